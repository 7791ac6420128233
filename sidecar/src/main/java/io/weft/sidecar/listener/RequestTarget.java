package io.weft.sidecar.listener;

import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;

/**
 * Where a request is going: its authority and path. Apps that use the sidecar as an HTTP proxy send
 * the absolute form ({@code GET http://orders/x}); RFC 9112 §3.2.2 says the target's authority then
 * wins over the Host header. Others send the origin form with {@code Host: orders}.
 *
 * @param authority lower-cased host[:port]
 * @param path      the raw (undecoded) path, without the query
 */
record RequestTarget(String authority, String path) {

    static RequestTarget of(ServerRequest req) {
        String raw = req.path().rawPath();
        if (!raw.startsWith("/")) {
            int scheme = raw.indexOf("://");
            if (scheme > 0) {
                int start = scheme + 3;
                int slash = raw.indexOf('/', start);
                String authority = slash < 0 ? raw.substring(start) : raw.substring(start, slash);
                int at = authority.lastIndexOf('@'); // userinfo is not part of the authority we route on
                if (at >= 0) {
                    authority = authority.substring(at + 1);
                }
                return new RequestTarget(authority.toLowerCase(Locale.ROOT), slash < 0 ? "/" : raw.substring(slash));
            }
        }
        String a = req.authority();
        return new RequestTarget(a == null ? "" : a.toLowerCase(Locale.ROOT), raw);
    }
}
