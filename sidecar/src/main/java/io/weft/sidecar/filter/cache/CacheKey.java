package io.weft.sidecar.filter.cache;

import io.helidon.http.HeaderNames;
import io.weft.sidecar.filter.Exchange;
import java.util.List;

/** Builds cache keys: route, method, path, the chosen query parameters and headers. Stateless. */
final class CacheKey {
    private static final char SEP = '\u0000';

    record Parts(String route, String path) {
    }

    private CacheKey() {
    }

    /**
     * The key of a request: its route, method, (normalized) path as the client sent it, query and key
     * headers. HEAD shares GET's key, so a HEAD is answered from a stored GET.
     */
    static String of(Exchange ex, CacheConfig cfg) {
        String method = ex.method().equals("HEAD") ? "GET" : ex.method();
        StringBuilder b = new StringBuilder(96).append(ex.route()).append(SEP).append(method).append(SEP)
                .append(ex.path()).append(SEP);
        if (cfg.keyQuery().isEmpty()) {
            b.append(ex.query());
        } else if (!ex.query().isEmpty()) {
            List<String> params = List.of(ex.query().split("&"));
            for (String name : cfg.keyQuery()) {
                for (String p : params) {
                    if (p.equals(name) || p.startsWith(name + "=")) {
                        b.append(p).append('&');
                    }
                }
            }
        }
        for (String h : cfg.keyHeaders()) {
            b.append(SEP).append(h).append('=').append(ex.header(HeaderNames.create(h)).orElse(""));
        }
        return b.toString();
    }

    static Parts parts(String key) {
        int a = key.indexOf(SEP);
        int m = key.indexOf(SEP, a + 1);
        int p = key.indexOf(SEP, m + 1);
        return new Parts(key.substring(0, a), key.substring(m + 1, p));
    }
}
