package io.weft.sidecar.filter.ratelimit;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds a route's rate-limit filter. Limiter state lives in the runtime keyed by (route, rule), so a
 * config push that leaves a rule unchanged keeps its buckets; Redis connections are shared per server.
 */
public final class RateLimitFilterFactory {
    private RateLimitFilterFactory() {
    }

    public static EdgeFilter create(String routeName, RateLimitConfig config, EdgeRuntime runtime) {
        List<RateLimitFilter.Bound> bound = new ArrayList<>();
        for (RateLimitConfig.Rule rule : config.rules()) {
            Limiter limiter = runtime.shared(new StateKey(routeName, rule), () -> rule.shared().isPresent()
                    ? new RedisLimiter(rule, rule.shared().get())
                    : new LocalLimiter(rule, runtime.clock()));
            AtomicInteger queued = runtime.shared(new QueueKey(routeName, rule), AtomicInteger::new);
            bound.add(new RateLimitFilter.Bound(rule, limiter, queued));
        }
        return new RateLimitFilter(bound);
    }

    private record StateKey(String route, RateLimitConfig.Rule rule) {
    }

    private record QueueKey(String route, RateLimitConfig.Rule rule) {
    }
}
