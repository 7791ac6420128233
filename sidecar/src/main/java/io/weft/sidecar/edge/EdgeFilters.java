package io.weft.sidecar.edge;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.weft.sidecar.filter.authn.AuthnConfig;
import io.weft.sidecar.filter.authn.AuthnFilterFactory;
import io.weft.sidecar.filter.cache.CacheConfig;
import io.weft.sidecar.filter.cache.CacheFilterFactory;
import io.weft.sidecar.filter.guard.GuardConfig;
import io.weft.sidecar.filter.guard.GuardFilterFactory;
import io.weft.sidecar.filter.ratelimit.RateLimitConfig;
import io.weft.sidecar.filter.ratelimit.RateLimitFilterFactory;
import io.weft.sidecar.filter.transform.TransformConfig;
import io.weft.sidecar.filter.transform.TransformFilterFactory;
import io.weft.sidecar.model.EdgeFilterConfig;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Turns a route's edge filter configs into its filter chain, and finds the headers the edge must strip. */
final class EdgeFilters {
    private EdgeFilters() {
    }

    static EdgeFilter[] chain(String routeName, List<EdgeFilterConfig> configs, EdgeRuntime runtime) {
        EdgeFilter[] out = new EdgeFilter[configs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (configs.get(i)) {
                case GuardConfig g -> GuardFilterFactory.create(g);
                case AuthnConfig a -> AuthnFilterFactory.create(a, runtime);
                case RateLimitConfig r -> RateLimitFilterFactory.create(routeName, r, runtime);
                case CacheConfig c -> CacheFilterFactory.create(c, runtime);
                case TransformConfig t -> TransformFilterFactory.create(t);
                default -> throw new IllegalStateException("no factory for edge filter " + configs.get(i).filterName());
            };
        }
        return out;
    }

    /**
     * Headers only the edge may set: the identity headers and every claim header any route forwards.
     * A client-sent copy is removed on every route, so an upstream can trust them.
     */
    static Set<HeaderName> trustedHeaders(RouteConfigSpec rc) {
        Set<HeaderName> out = new HashSet<>(AuthnFilterFactory.TRUSTED_HEADERS);
        for (VirtualHostSpec vh : rc.virtualHosts()) {
            for (RouteSpec r : vh.routes()) {
                for (EdgeFilterConfig c : r.edgeFilters()) {
                    if (c instanceof AuthnConfig a) {
                        a.forwardedHeaders().forEach(h -> out.add(HeaderNames.create(h)));
                    }
                }
            }
        }
        return Set.copyOf(out);
    }
}
