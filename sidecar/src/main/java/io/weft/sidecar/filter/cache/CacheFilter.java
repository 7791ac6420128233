package io.weft.sidecar.filter.cache;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Serves GET/HEAD from the cache when it can, and stores cacheable 200 responses (RFC 9111, as a
 * shared cache): honours {@code no-store}, {@code private}, {@code s-maxage}/{@code max-age}, {@code Vary}
 * and {@code Set-Cookie}; a request with credentials is only served a response marked {@code public}.
 * {@code If-None-Match} matching a cached ETag gets 304. Every answer says {@code x-weft-cache: HIT},
 * {@code MISS} or {@code BYPASS}.
 */
final class CacheFilter implements EdgeFilter {
    private static final String STATUS = "x-weft-cache";
    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-authenticate", "set-cookie", "age", "x-weft-cache", "date");

    private final CacheConfig cfg;
    private final ResponseCaches caches;

    CacheFilter(CacheConfig cfg, ResponseCaches caches) {
        this.cfg = cfg;
        this.caches = caches;
    }

    @Override
    public EdgeResponse filter(EdgeRequest req, Chain next) {
        boolean cacheable = req.method().equals("GET") || req.method().equals("HEAD");
        String reqCc = req.header("cache-control").orElse("").toLowerCase(Locale.ROOT);
        if (!cacheable || reqCc.contains("no-store")) {
            return next.proceed(req).header(STATUS, "BYPASS");
        }
        boolean credentialed = req.identity().isPresent() || req.header("authorization").isPresent();
        String key = CacheKey.of(req, cfg);
        CachedResponse hit = reqCc.contains("no-cache") ? null : caches.cache().getIfPresent(key);
        if (hit != null && varyMatches(hit, req)) {
            return replay(hit, req);
        }
        EdgeResponse res = next.proceed(req);
        store(key, req, res, credentialed);
        return res.header(STATUS, "MISS");
    }

    private EdgeResponse replay(CachedResponse hit, EdgeRequest req) {
        boolean notModified = !hit.etag().isEmpty() && req.header("if-none-match")
                .map(v -> v.equals("*") || List.of(v.split("\\s*,\\s*")).contains(hit.etag())).orElse(false);
        EdgeResponse r = EdgeResponse.of(notModified ? 304 : hit.status(), notModified || req.method().equals("HEAD")
                ? new byte[0] : hit.body());
        hit.headers().forEach((name, values) -> r.headers().set(HeaderNames.create(name), values));
        if (notModified) {
            r.headers().remove(HeaderNames.CONTENT_LENGTH);
        }
        r.header("age", Long.toString(Math.max(0, (caches.nowMillis() - hit.storedAt()) / 1000)));
        return r.header(STATUS, "HIT");
    }

    private void store(String key, EdgeRequest req, EdgeResponse res, boolean credentialed) {
        if (res.status() != 200 || res.header("set-cookie").isPresent()) {
            return;
        }
        String cc = res.header("cache-control").orElse("").toLowerCase(Locale.ROOT);
        if (cc.contains("no-store") || cc.contains("private") || cc.contains("no-cache")) {
            return;
        }
        if (credentialed && !cc.contains("public") && !cc.contains("s-maxage")) {
            return;
        }
        long ttl = directive(cc, "s-maxage");
        if (ttl < 0) {
            ttl = directive(cc, "max-age");
        }
        long ttlMillis = ttl >= 0 ? ttl * 1000 : cfg.defaultTtl().toMillis();
        String vary = res.header("vary").orElse("");
        long length = res.headers().contentLength().orElse(-1);
        if (ttlMillis <= 0 || vary.contains("*") || length < 0 || length > cfg.maxBodyBytes()) {
            return;
        }
        byte[] body = res.bodyBytes(cfg.maxBodyBytes());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : res.headers()) {
            if (!NOT_STORED.contains(h.headerName().lowerCase())) {
                headers.put(h.headerName().lowerCase(), h.allValues());
            }
        }
        Map<String, String> varyValues = new HashMap<>();
        for (String v : vary.split(",")) {
            String name = v.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                varyValues.put(name, req.header(name).orElse(""));
            }
        }
        caches.cache().put(key, new CachedResponse(200, Map.copyOf(headers), body, res.header("etag").orElse(""),
                caches.nowMillis(), ttlMillis, Map.copyOf(varyValues)));
    }

    private static boolean varyMatches(CachedResponse hit, EdgeRequest req) {
        for (Map.Entry<String, String> v : hit.varyValues().entrySet()) {
            if (!req.header(v.getKey()).orElse("").equals(v.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The seconds of a {@code name=N} directive, or -1. */
    static long directive(String cc, String name) {
        int i = cc.indexOf(name + "=");
        if (i < 0 || (i > 0 && Character.isLetterOrDigit(cc.charAt(i - 1))) || (i > 0 && cc.charAt(i - 1) == '-')) {
            return -1;
        }
        int s = i + name.length() + 1;
        int e = s;
        while (e < cc.length() && Character.isDigit(cc.charAt(e))) {
            e++;
        }
        try {
            return e == s ? -1 : Long.parseLong(cc.substring(s, e));
        } catch (NumberFormatException ex) {
            return -1;
        }
    }
}
