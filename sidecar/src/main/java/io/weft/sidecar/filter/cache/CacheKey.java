package io.weft.sidecar.filter.cache;

import io.weft.sidecar.edge.EdgeRequest;
import java.util.List;

/** Builds cache keys: route, method, path, the chosen query parameters and headers. Stateless. */
final class CacheKey {
    private static final char SEP = '\u0000';

    record Parts(String route, String path) {
    }

    private CacheKey() {
    }

    static String of(EdgeRequest req, CacheConfig cfg) {
        StringBuilder b = new StringBuilder(96).append(req.routeName()).append(SEP).append(req.method()).append(SEP)
                .append(req.path()).append(SEP);
        if (cfg.keyQuery().isEmpty()) {
            b.append(req.rawQuery());
        } else if (!req.rawQuery().isEmpty()) {
            List<String> params = List.of(req.rawQuery().split("&"));
            for (String name : cfg.keyQuery()) {
                for (String p : params) {
                    if (p.equals(name) || p.startsWith(name + "=")) {
                        b.append(p).append('&');
                    }
                }
            }
        }
        for (String h : cfg.keyHeaders()) {
            b.append(SEP).append(h).append('=').append(req.header(h).orElse(""));
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
