package io.weft.sidecar.filter.cache;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.weft.sidecar.edge.Identity;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Serves GET/HEAD from the cache when it can, and stores cacheable 200 responses to GET (RFC 9111, as
 * a shared cache): honours {@code no-store}, {@code private}, {@code no-cache}, {@code s-maxage} /
 * {@code max-age}, {@code Vary} and {@code Set-Cookie}; a request with credentials is only served a
 * response marked {@code public} or {@code s-maxage}. {@code If-None-Match} matching a cached ETag
 * gets 304. Every answer says {@code x-weft-cache: HIT}, {@code MISS} or {@code BYPASS}. The cache sees
 * the response as the filters after it left it (e.g. transformed).
 */
final class CacheFilter implements HttpFilter {
    private static final HeaderName STATUS = HeaderNames.create("x-weft-cache");
    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-authenticate", "set-cookie", "age", "x-weft-cache", "date", "content-length");

    private final CacheConfig cfg;
    private final ResponseCaches caches;

    CacheFilter(CacheConfig cfg, ResponseCaches caches) {
        this.cfg = cfg;
        this.caches = caches;
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        String method = ex.method();
        String reqCc = ex.header(HeaderNames.CACHE_CONTROL).orElse("").toLowerCase(Locale.ROOT);
        if (!(method.equals("GET") || method.equals("HEAD")) || reqCc.contains("no-store")) {
            ex.onResponse((status, h) -> h.set(STATUS, "BYPASS"));
            chain.proceed();
            return;
        }
        boolean credentialed = ex.attribute(Identity.ATTRIBUTE).isPresent() || ex.header(HeaderNames.AUTHORIZATION).isPresent();
        String key = CacheKey.of(ex, cfg);
        CachedResponse hit = reqCc.contains("no-cache") ? null : caches.cache().getIfPresent(key);
        if (hit != null && varyMatches(hit, ex)) {
            replay(hit, ex);
            return;
        }
        ex.onResponse((status, h) -> h.set(STATUS, "MISS"));
        if (method.equals("GET")) {
            ex.onResponseBody(cfg.maxBodyBytes(), false, (status, headers, body) -> {
                store(key, ex, status, headers, body, credentialed);
                return body;
            });
        }
        chain.proceed();
    }

    private void replay(CachedResponse hit, Exchange ex) {
        boolean notModified = !hit.etag().isEmpty() && ex.header(HeaderNames.IF_NONE_MATCH)
                .map(v -> v.equals("*") || List.of(v.split("\\s*,\\s*")).contains(hit.etag())).orElse(false);
        ServerResponseHeaders h = ex.response().headers();
        hit.headers().forEach((name, values) -> h.set(HeaderNames.create(name), values));
        h.set(HeaderNames.AGE, Long.toString(Math.max(0, (caches.nowMillis() - hit.storedAt()) / 1000)));
        h.set(STATUS, "HIT");
        ex.respond(notModified ? Status.NOT_MODIFIED_304 : Status.create(hit.status()),
                notModified || ex.method().equals("HEAD") ? new byte[0] : hit.body());
    }

    private void store(String key, Exchange ex, Status status, ServerResponseHeaders res, byte[] body, boolean credentialed) {
        if (status.code() != 200 || res.contains(HeaderNames.SET_COOKIE)) {
            return;
        }
        String cc = res.first(HeaderNames.CACHE_CONTROL).orElse("").toLowerCase(Locale.ROOT);
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
        String vary = res.first(HeaderNames.VARY).orElse("");
        if (ttlMillis <= 0 || vary.contains("*")) {
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : res) {
            if (!NOT_STORED.contains(h.headerName().lowerCase())) {
                headers.put(h.headerName().lowerCase(), h.allValues());
            }
        }
        Map<String, String> varyValues = new HashMap<>();
        for (String v : vary.split(",")) {
            String name = v.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                varyValues.put(name, ex.header(HeaderNames.create(name)).orElse(""));
            }
        }
        caches.cache().put(key, new CachedResponse(200, Map.copyOf(headers), body, res.first(HeaderNames.ETAG).orElse(""),
                caches.nowMillis(), ttlMillis, Map.copyOf(varyValues)));
    }

    private static boolean varyMatches(CachedResponse hit, Exchange ex) {
        for (Map.Entry<String, String> v : hit.varyValues().entrySet()) {
            if (!ex.header(HeaderNames.create(v.getKey())).orElse("").equals(v.getValue())) {
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
