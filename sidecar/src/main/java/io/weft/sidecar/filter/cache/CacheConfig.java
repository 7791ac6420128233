package io.weft.sidecar.filter.cache;

import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route's response cache.
 *
 * @param defaultTtl  TTL when the upstream sends no max-age; zero caches only what the upstream marks cacheable
 * @param keyHeaders  lower-case request headers that are part of the key
 * @param keyQuery    query parameters in the key; empty means the whole query string
 */
public record CacheConfig(Duration defaultTtl, List<String> keyHeaders, List<String> keyQuery, int maxBodyBytes)
        implements FilterConfig {
    public CacheConfig {
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        keyHeaders = List.copyOf(keyHeaders);
        keyQuery = List.copyOf(keyQuery);
    }
}
