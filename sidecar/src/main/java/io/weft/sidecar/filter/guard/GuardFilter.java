package io.weft.sidecar.filter.guard;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Problem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The route's first check: client address lists (403), request size limit (413 as the body streams or
 * at once from Content-Length), CORS (preflight answered here; simple requests get the allow headers)
 * and, for a deprecated API version, {@code Deprecation}, {@code Sunset} and {@code Link} headers.
 */
final class GuardFilter implements EdgeFilter {
    private final GuardConfig cfg;
    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final Optional<String> deprecation;
    private final Optional<String> sunset;

    GuardFilter(GuardConfig cfg) {
        this.cfg = cfg;
        this.allow = cfg.allowCidrs().stream().map(Cidr::parse).toList();
        this.deny = cfg.denyCidrs().stream().map(Cidr::parse).toList();
        this.deprecation = cfg.deprecatedAt().map(i -> "@" + i.getEpochSecond()); // RFC 9745
        this.sunset = cfg.sunsetAt().map(i -> DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atOffset(ZoneOffset.UTC)));
    }

    @Override
    public EdgeResponse filter(EdgeRequest req, Chain next) {
        if (!allow.isEmpty() || !deny.isEmpty()) {
            byte[] ip = address(req.clientIp());
            if (deny.stream().anyMatch(c -> c.contains(ip)) || (!allow.isEmpty() && allow.stream().noneMatch(c -> c.contains(ip)))) {
                return Problem.response(403, "Forbidden", "client address " + req.clientIp() + " is not allowed on this route");
            }
        }
        if (cfg.maxBodyBytes() > 0) {
            req.limitBody(cfg.maxBodyBytes());
            long declared = req.headers().contentLength().orElse(-1);
            if (declared > cfg.maxBodyBytes()) {
                return Problem.response(413, "Content Too Large", "request body of " + declared
                        + " bytes is larger than " + cfg.maxBodyBytes() + " bytes");
            }
        }
        Optional<String> origin = req.header("origin");
        if (cfg.cors().isPresent() && origin.isPresent()) {
            Optional<EdgeResponse> preflight = Cors.preflight(cfg.cors().get(), req, origin.get());
            if (preflight.isPresent()) {
                return preflight.get();
            }
        }
        EdgeResponse res = next.proceed(req);
        if (cfg.cors().isPresent() && origin.isPresent()) {
            Cors.decorate(cfg.cors().get(), res, origin.get());
        }
        deprecation.ifPresent(d -> res.header("deprecation", d));
        sunset.ifPresent(s -> res.header("sunset", s));
        cfg.deprecationLink().ifPresent(l -> res.header("link", "<" + l + ">; rel=\"deprecation\""));
        return res;
    }

    private static byte[] address(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress(); // the peer address is always a literal
        } catch (UnknownHostException e) {
            return new byte[0];
        }
    }
}
