package io.weft.sidecar.filter.ratelimit;

import com.google.protobuf.Any;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.RateLimitRule;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads {@code weft.v1.EdgeRateLimit} (filter {@code weft.edge.rate_limit}) and makes a route's
 * rate-limit filter. Limiter state lives in the proxy's shared resources keyed by (route, rule), so a
 * config push that leaves a rule unchanged keeps its buckets; Redis connections are shared per server.
 */
public final class RateLimitFilterFactory implements HttpFilterFactory<RateLimitConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeRateLimit.getDescriptor().getFullName();

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<RateLimitConfig> configType() {
        return RateLimitConfig.class;
    }

    @Override
    public RateLimitConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeRateLimit rl = TypedConfigs.unpack(typedConfig, EdgeRateLimit.class);
        List<RateLimitConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < rl.getRulesCount(); i++) {
            RateLimitRule r = rl.getRules(i);
            String at = "rules[" + i + "]";
            Duration per = TypedConfigs.duration(r.getPer(), Duration.ZERO);
            if (r.getRequests() == 0 || per.isZero()) {
                throw new FilterConfigException(at + ": requests " + r.getRequests() + " per " + per + " (expected: both > 0)");
            }
            Optional<RateLimitConfig.Redis> shared = r.hasShared() ? Optional.of(redis(r, at)) : Optional.empty();
            rules.add(new RateLimitConfig.Rule(r.getName().isEmpty() ? "limit-" + i : r.getName(),
                    RateLimitConfig.Key.valueOf(r.getKey().name()), RateLimitConfig.Algorithm.valueOf(r.getAlgorithm().name()),
                    r.getRequests(), per, r.getBurst() == 0 ? r.getRequests() : r.getBurst(),
                    RateLimitConfig.Mode.valueOf(r.getMode().name()), TypedConfigs.duration(r.getMaxDelay(), Duration.ofMillis(500)),
                    r.getMaxQueued() == 0 ? 100 : r.getMaxQueued(), shared));
        }
        return new RateLimitConfig(rules);
    }

    private static RateLimitConfig.Redis redis(RateLimitRule r, String at) throws FilterConfigException {
        String addr = r.getShared().getAddress();
        int colon = addr.lastIndexOf(':');
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65535) {
            throw new FilterConfigException(at + ".shared.address: \"" + addr + "\" (expected: host:port)");
        }
        String host = addr.substring(0, colon).replace("[", "").replace("]", "");
        return new RateLimitConfig.Redis(host, port, r.getShared().getKeyPrefix(),
                TypedConfigs.duration(r.getShared().getTimeout(), Duration.ofMillis(200)), r.getShared().getFailClosed());
    }

    @Override
    public HttpFilter create(RateLimitConfig config, FilterContext context) {
        List<RateLimitFilter.Bound> bound = new ArrayList<>();
        for (RateLimitConfig.Rule rule : config.rules()) {
            Limiter limiter = context.shared().get(new StateKey(context.route(), rule), Limiter.class,
                    () -> rule.shared().isPresent()
                            ? new RedisLimiter(rule, rule.shared().get())
                            : new LocalLimiter(rule, context.clock()));
            AtomicInteger queued = context.shared().get(new QueueKey(context.route(), rule), AtomicInteger.class,
                    AtomicInteger::new);
            bound.add(new RateLimitFilter.Bound(rule, limiter, queued));
        }
        return new RateLimitFilter(bound);
    }

    private record StateKey(String route, RateLimitConfig.Rule rule) {
    }

    private record QueueKey(String route, RateLimitConfig.Rule rule) {
    }
}
