package io.weft.controlplane.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.controlplane.model.HashPolicy;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.QueryMatch;
import io.weft.controlplane.model.RetrySpec;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.model.WeightedTarget;

/** One mesh route → one Envoy {@code Route}: its match and its action. Pure functions. */
final class RouteActions {
    private RouteActions() {
    }

    static Route route(RouteSpec spec, MeshConfig config) {
        Route.Builder route = Route.newBuilder().setName(spec.name()).setMatch(match(spec)).setRoute(action(spec, config));
        if (!spec.filters().isEmpty()) {
            // A route with edge policy matches case-insensitively, so /ADMIN cannot slip past /admin/.
            route.getMatchBuilder().setCaseSensitive(com.google.protobuf.BoolValue.of(false));
            spec.filters().forEach((name, cfg) -> route.putTypedPerFilterConfig(name, com.google.protobuf.Any.pack(cfg)));
        }
        return route.build();
    }

    private static RouteMatch match(RouteSpec spec) {
        RouteMatch.Builder m = RouteMatch.newBuilder();
        switch (spec.match().path().kind()) {
            case PREFIX -> m.setPrefix(spec.match().path().value());
            case EXACT -> m.setPath(spec.match().path().value());
            case REGEX -> m.setSafeRegex(RegexMatcher.newBuilder().setRegex(spec.match().path().value()));
        }
        spec.match().method().ifPresent(method -> m.addHeaders(HeaderMatcher.newBuilder()
                .setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact(method))));
        for (HeaderMatch h : spec.match().headers()) {
            HeaderMatcher.Builder hm = HeaderMatcher.newBuilder().setName(h.name());
            if (h.kind() == HeaderMatch.Kind.PRESENT) {
                hm.setPresentMatch(true);
            } else {
                hm.setStringMatch(string(h.kind(), h.value()));
            }
            m.addHeaders(hm);
        }
        for (QueryMatch q : spec.match().query()) {
            QueryParameterMatcher.Builder qm = QueryParameterMatcher.newBuilder().setName(q.name());
            if (q.kind() == HeaderMatch.Kind.PRESENT) {
                qm.setPresentMatch(true);
            } else {
                qm.setStringMatch(string(q.kind(), q.value()));
            }
            m.addQueryParameters(qm);
        }
        return m.build();
    }

    static StringMatcher string(HeaderMatch.Kind kind, String value) {
        StringMatcher.Builder sm = StringMatcher.newBuilder();
        switch (kind) {
            case EXACT -> sm.setExact(value);
            case PREFIX -> sm.setPrefix(value);
            case REGEX -> sm.setSafeRegex(RegexMatcher.newBuilder().setRegex(value));
            case PRESENT -> throw new IllegalArgumentException("PRESENT has no string matcher");
        }
        return sm.build();
    }

    private static RouteAction action(RouteSpec spec, MeshConfig config) {
        RouteAction.Builder action = RouteAction.newBuilder();
        if (spec.targets().size() == 1) {
            action.setCluster(spec.targets().get(0).cluster());
        } else {
            WeightedCluster.Builder wc = WeightedCluster.newBuilder();
            for (WeightedTarget t : spec.targets()) {
                wc.addClusters(WeightedCluster.ClusterWeight.newBuilder()
                        .setName(t.cluster()).setWeight(UInt32Value.of(t.weight())));
            }
            action.setWeightedClusters(wc);
        }
        spec.timeout().ifPresent(t -> {
            action.setTimeout(ClusterTranslator.duration(t));
            if (targetsGrpc(spec, config)) {
                // grpc-java reads the deadline of a route from max_stream_duration, not timeout.
                action.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(ClusterTranslator.duration(t)));
            }
        });
        spec.rewrite().prefix().ifPresent(action::setPrefixRewrite);
        spec.rewrite().regex().ifPresent(re -> action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex(re))
                .setSubstitution(spec.rewrite().substitution())));
        spec.rewrite().host().ifPresent(action::setHostRewriteLiteral);
        spec.retry().ifPresent(r -> action.setRetryPolicy(retry(r)));
        spec.hashOn().ifPresent(h -> action.addHashPolicy(hash(h)));
        return action.build();
    }

    private static boolean targetsGrpc(RouteSpec spec, MeshConfig config) {
        return spec.targets().stream().anyMatch(t -> config.service(t.service())
                .map(s -> s.protocol() == ServiceSpec.Protocol.GRPC).orElse(false));
    }

    private static RetryPolicy retry(RetrySpec r) {
        RetryPolicy.Builder b = RetryPolicy.newBuilder()
                .setRetryOn(String.join(",", r.retryOn()))
                .setNumRetries(UInt32Value.of(r.attempts()))
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                        .setBaseInterval(ClusterTranslator.duration(r.backoffBase()))
                        .setMaxInterval(ClusterTranslator.duration(r.backoffMax())));
        r.perTryTimeout().ifPresent(t -> b.setPerTryTimeout(ClusterTranslator.duration(t)));
        return b.build();
    }

    private static RouteAction.HashPolicy hash(HashPolicy h) {
        RouteAction.HashPolicy.Builder b = RouteAction.HashPolicy.newBuilder();
        switch (h.source()) {
            case HEADER -> b.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.name()));
            case COOKIE -> b.setCookie(RouteAction.HashPolicy.Cookie.newBuilder().setName(h.name()));
        }
        return b.build();
    }
}
