package io.weft.sidecar.filter.cache;

import java.util.List;
import java.util.Map;

/**
 * One stored response.
 *
 * @param headers    the response headers to replay (name → values), without hop-by-hop ones
 * @param storedAt   epoch millis when stored (for {@code Age})
 * @param ttlMillis  how long it is fresh
 * @param varyValues request header values the response varies on (lower-case name → value or "")
 */
record CachedResponse(int status, Map<String, List<String>> headers, byte[] body, String etag, long storedAt,
                      long ttlMillis, Map<String, String> varyValues) {
}
