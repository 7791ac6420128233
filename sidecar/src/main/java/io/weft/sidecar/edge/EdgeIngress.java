package io.weft.sidecar.edge;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.weft.proto.MeshNames;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterConfig;
import io.weft.sidecar.filter.LocalReply;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.authn.AuthnConfig;
import io.weft.sidecar.filter.authn.AuthnFilterFactory;
import io.weft.sidecar.listener.Ingress;
import io.weft.sidecar.model.FilterOverride;
import io.weft.sidecar.model.FilterSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public edge listener's side of routing: the path is normalized ({@link PathNormalizer}) and that
 * one form is both routed on and sent upstream; header fields only the edge may set (identity headers
 * and every claim header any route forwards) are removed from every request, so upstreams can trust
 * them; {@code x-forwarded-proto} says what the client really used; bodies are bounded; HTTPS responses
 * carry HSTS; and every answer the edge gives itself is {@code application/problem+json}. Thread-safe.
 */
public final class EdgeIngress implements Ingress {
    /** Request bodies larger than this are refused unless a route's guard sets a smaller limit. */
    public static final long DEFAULT_MAX_BODY = 10L << 20;

    private static final HeaderName STS = HeaderNames.create("strict-transport-security");

    private final Optional<String> hsts;
    private volatile Trusted trusted = new Trusted(null, Set.of());

    /** A plaintext edge. */
    public EdgeIngress() {
        this(Duration.ZERO);
    }

    /** @param hstsMaxAge {@code Strict-Transport-Security} max-age on HTTPS responses; zero for none */
    public EdgeIngress(Duration hstsMaxAge) {
        this.hsts = hstsMaxAge.isZero() ? Optional.empty()
                : Optional.of("max-age=" + hstsMaxAge.toSeconds() + "; includeSubDomains");
    }

    /** The headers to strip, worked out once per snapshot. */
    private record Trusted(ConfigSnapshot snapshot, Set<HeaderName> names) {
    }

    @Override
    public String path(String rawPath) {
        return PathNormalizer.normalize(rawPath);
    }

    @Override
    public void upstreamHeaders(ConfigSnapshot snapshot, ServerRequest request, WritableHeaders<?> headers) {
        for (HeaderName h : trusted(snapshot)) {
            headers.remove(h);
        }
        headers.set(HeaderNames.X_FORWARDED_PROTO, request.isSecure() ? "https" : "http");
    }

    @Override
    public void begin(Exchange exchange) {
        if (hsts.isPresent() && exchange.request().isSecure()) {
            String v = hsts.get();
            exchange.onResponse((status, h) -> h.set(STS, v));
        }
        long declared = exchange.requestHeaders().contentLength().orElse(-1);
        if (declared > DEFAULT_MAX_BODY) {
            throw new LocalReplyException(413, "request body of " + declared + " bytes is larger than "
                    + DEFAULT_MAX_BODY + " bytes");
        }
        exchange.filterRequestBody(in -> new LimitedInputStream(in, DEFAULT_MAX_BODY));
    }

    @Override
    public LocalReply localReply() {
        return Problem.FORMAT;
    }

    private Set<HeaderName> trusted(ConfigSnapshot snapshot) {
        Trusted t = trusted;
        if (t.snapshot() != snapshot) {
            t = new Trusted(snapshot, compute(snapshot));
            trusted = t; // a racing thread may compute the same set; both are correct
        }
        return t.names();
    }

    private static Set<HeaderName> compute(ConfigSnapshot snap) {
        Set<HeaderName> out = new HashSet<>(AuthnFilterFactory.TRUSTED_HEADERS);
        Optional<ListenerSpec> listener = Optional.ofNullable(snap.sources().listeners().get(MeshNames.EDGE_LISTENER));
        Optional<RouteConfigSpec> routes = listener.map(l -> snap.sources().routes().get(l.routeConfigName()));
        Stream<FilterConfig> configs = Stream.concat(
                listener.stream().flatMap(l -> l.httpFilters().stream()).map(FilterSpec::config),
                routes.stream().flatMap(rc -> rc.virtualHosts().stream()).flatMap(EdgeIngress::overrides));
        configs.forEach(c -> {
            if (c instanceof AuthnConfig a) {
                a.forwardedHeaders().forEach(h -> out.add(HeaderNames.create(h)));
            }
        });
        return Set.copyOf(out);
    }

    private static Stream<FilterConfig> overrides(VirtualHostSpec vh) {
        return Stream.concat(vh.filterOverrides().values().stream(),
                        vh.routes().stream().map(RouteSpec::filterOverrides).flatMap(m -> m.values().stream()))
                .map(FilterOverride::config).flatMap(Optional::stream);
    }
}
