package io.weft.sidecar.filter.guard;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.edge.LimitedInputStream;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.ResponseFlag;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The route's first check: client address lists (403), request size limit (413 as the body streams or
 * at once from Content-Length), CORS (preflight answered here; other requests get the allow headers)
 * and, for a deprecated API version, {@code Deprecation}, {@code Sunset} and {@code Link} headers.
 */
final class GuardFilter implements HttpFilter {
    private final GuardConfig cfg;
    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final Optional<String> deprecation;
    private final Optional<String> sunset;
    private final Optional<String> link;

    GuardFilter(GuardConfig cfg) {
        this.cfg = cfg;
        this.allow = cfg.allowCidrs().stream().map(Cidr::parse).toList();
        this.deny = cfg.denyCidrs().stream().map(Cidr::parse).toList();
        this.deprecation = cfg.deprecatedAt().map(i -> "@" + i.getEpochSecond()); // RFC 9745
        this.sunset = cfg.sunsetAt().map(i -> DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atOffset(ZoneOffset.UTC)));
        this.link = cfg.deprecationLink().map(l -> "<" + l + ">; rel=\"deprecation\"");
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        if (!allow.isEmpty() || !deny.isEmpty()) {
            byte[] ip = address(ex.remoteAddress());
            if (deny.stream().anyMatch(c -> c.contains(ip)) || (!allow.isEmpty() && allow.stream().noneMatch(c -> c.contains(ip)))) {
                ex.respond(Status.FORBIDDEN_403, ResponseFlag.UAEX, "client address " + ex.remoteAddress()
                        + " is not allowed on this route");
                return;
            }
        }
        long max = cfg.maxBodyBytes();
        if (max > 0) {
            long declared = ex.requestHeaders().contentLength().orElse(-1);
            if (declared > max) {
                ex.respond(Status.REQUEST_ENTITY_TOO_LARGE_413, "request body of " + declared + " bytes is larger than "
                        + max + " bytes");
                return;
            }
            ex.filterRequestBody(in -> new LimitedInputStream(in, max));
        }
        Optional<String> origin = cfg.cors().isPresent() ? ex.header(HeaderNames.ORIGIN) : Optional.empty();
        if (origin.isPresent() && Cors.preflight(cfg.cors().get(), ex, origin.get())) {
            return;
        }
        if (origin.isPresent() || deprecation.isPresent() || sunset.isPresent() || link.isPresent()) {
            ex.onResponse((status, h) -> {
                origin.ifPresent(o -> Cors.decorate(cfg.cors().get(), h, o));
                deprecation.ifPresent(d -> h.set(HeaderNames.create("deprecation"), d));
                sunset.ifPresent(s -> h.set(HeaderNames.create("sunset"), s));
                link.ifPresent(l -> h.set(HeaderNames.LINK, l));
            });
        }
        chain.proceed();
    }

    private static byte[] address(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress(); // the peer address is always a literal
        } catch (UnknownHostException e) {
            return new byte[0];
        }
    }
}
