package io.weft.sidecar.filter;

/**
 * Why the proxy answered itself, or what happened on the way, in Envoy's vocabulary. Sent in the
 * {@value #HEADER} response header (comma-separated, in this order) and written to the access log,
 * so an SRE can tell a 503 the proxy made from one the app sent.
 */
public enum ResponseFlag {
    /** No route matched the request (404). */
    NR,
    /** No healthy upstream endpoint in the cluster (503). */
    UH,
    /** Upstream connection failure (503). */
    UF,
    /** Upstream overflow: circuit breaker open or bulkhead full (503). */
    UO,
    /** Upstream retry limit exceeded; the last attempt's result was returned. */
    URX,
    /** Upstream request timeout (504). */
    UT,
    /** Upstream reset the connection. */
    UR,
    /** Upstream connection terminated mid-response. */
    UC,
    /** The downstream client reset or closed the connection. */
    DC,
    /** The downstream sent something that is not valid HTTP (bad framing, invalid fields, oversized head). */
    DPE,
    /** Delay injected by the fault filter. */
    DI,
    /** Fault (abort) injected by the fault filter. */
    FI,
    /** Rate limited. */
    RL,
    /** Denied by an authorization filter. */
    UAEX,
    /** Denied by the inbound authorization policy, from the caller's verified certificate (403). */
    RBAC,
    /** The route names a cluster this proxy does not have (503). */
    NC,
    /** No config yet: the proxy has not received its first snapshot (503). */
    NCF,
    /** Draining: the proxy is shutting down and refuses new requests (503). */
    DR;

    public static final String HEADER = "x-weft-response-flags";

    private final int bit = 1 << ordinal();

    int bit() {
        return bit;
    }

    /** The flags set in a bit mask, comma-separated; empty for none. */
    static String format(int mask) {
        if (mask == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (ResponseFlag f : values()) {
            if ((mask & f.bit) != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(f.name());
            }
        }
        return sb.toString();
    }
}
