package io.weft.sidecar.upstream;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Locale;
import java.util.Set;

/**
 * The hop-by-hop fields of RFC 9110 §7.6.1 that a proxy must not forward, plus the proxy
 * credentials fields, which are meant for this proxy and must not leak to the upstream.
 */
public final class HopByHop {
    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /** Whether a lower-case field name is hop-by-hop by definition. */
    public static boolean isHopByHop(String lowerCaseName) {
        return ALWAYS.contains(lowerCaseName);
    }

    /**
     * The lower-case names the message's {@code Connection} field lists, as {@code ",a,b,"} for a
     * cheap {@code contains(",name,")}; empty when there is no such field.
     */
    public static String connectionOptions(Headers all) {
        if (!all.contains(HeaderNames.CONNECTION)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(",");
        for (String v : all.get(HeaderNames.CONNECTION).allValues(true)) {
            sb.append(v.trim().toLowerCase(Locale.ROOT)).append(',');
        }
        return sb.toString();
    }

    /** Whether a field must be dropped, given {@link #connectionOptions} of its message. */
    public static boolean drop(Header h, String connectionOptions) {
        String name = h.headerName().lowerCase();
        return ALWAYS.contains(name) || (!connectionOptions.isEmpty() && connectionOptions.contains("," + name + ","));
    }
}
