package io.weft.sidecar.filter.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.sidecar.filter.SharedResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The edge's response cache: one Caffeine cache shared by every caching route, bounded by the bytes
 * it holds (least recently and frequently used go first) and expiring each entry after its own TTL.
 * Keys start with the route name, so a purge can target a route or a path prefix. Thread-safe.
 */
public final class ResponseCaches {
    /** Total body bytes the edge keeps cached. */
    public static final long MAX_BYTES = 64L << 20;

    private final Cache<String, CachedResponse> cache;
    private final Clock clock;

    private ResponseCaches(Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((String k, CachedResponse v) -> v.body().length + k.length() + 256)
                .expireAfter(Expiry.creating((String k, CachedResponse v) -> Duration.ofMillis(v.ttlMillis())))
                .ticker(ticker(clock))
                .build();
    }

    /** The proxy's one response cache, kept in its shared resources. */
    public static ResponseCaches of(SharedResources shared, Clock clock) {
        return shared.get(ResponseCaches.class, ResponseCaches.class, () -> new ResponseCaches(clock));
    }

    Cache<String, CachedResponse> cache() {
        return cache;
    }

    long nowMillis() {
        return clock.millis();
    }

    /**
     * Drops cached responses: every one when both are empty, else those of the route and/or whose
     * path starts with the prefix. Returns how many were dropped.
     */
    public long purge(String route, String pathPrefix) {
        long before = cache.estimatedSize();
        cache.asMap().keySet().removeIf(k -> {
            CacheKey.Parts p = CacheKey.parts(k);
            return (route.isEmpty() || p.route().equals(route)) && (pathPrefix.isEmpty() || p.path().startsWith(pathPrefix));
        });
        cache.cleanUp();
        return Math.max(0, before - cache.estimatedSize());
    }

    private static Ticker ticker(Clock clock) {
        return () -> {
            Instant i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
    }
}
