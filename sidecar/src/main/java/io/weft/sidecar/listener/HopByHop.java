package io.weft.sidecar.listener;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Locale;
import java.util.Set;

/** The hop-by-hop headers of RFC 9110 §7.6.1 that a proxy must not forward. */
public final class HopByHop {
    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /**
     * Whether a header must be dropped: it is hop-by-hop by definition, or the message's
     * {@code Connection} header names it.
     */
    public static boolean drop(Header h, Headers all) {
        String name = h.headerName().lowerCase();
        if (ALWAYS.contains(name)) {
            return true;
        }
        if (!all.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        for (String v : all.get(HeaderNames.CONNECTION).allValues(true)) {
            if (v.trim().toLowerCase(Locale.ROOT).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
