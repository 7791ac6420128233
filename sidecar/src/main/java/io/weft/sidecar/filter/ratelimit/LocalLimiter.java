package io.weft.sidecar.filter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One rule's buckets or windows in this edge's memory, one per client key. Bounded: idle keys expire
 * and at most {@link #MAX_KEYS} are kept (least recently used go first). Thread-safe.
 */
final class LocalLimiter implements Limiter {
    static final long MAX_KEYS = 100_000;

    private final RateLimitConfig.Rule rule;
    private final Clock clock;
    private final Cache<String, Object> state;

    LocalLimiter(RateLimitConfig.Rule rule, Clock clock) {
        this.rule = rule;
        this.clock = clock;
        Duration idle = rule.per().multipliedBy(2).compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : rule.per().multipliedBy(2);
        this.state = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(idle).build();
    }

    @Override
    public Decision take(String key, long maxWaitNanos) {
        long now = nanos(clock.instant());
        if (rule.algorithm() == RateLimitConfig.Algorithm.SLIDING_WINDOW) {
            SlidingWindow w = (SlidingWindow) state.get(key, k -> new SlidingWindow(rule.requests(), rule.per().toNanos()));
            return w.take(now);
        }
        TokenBucket b = (TokenBucket) state.get(key, k -> new TokenBucket(rule.burst(), rule.ratePerNano(), now));
        return b.take(now, maxWaitNanos);
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
