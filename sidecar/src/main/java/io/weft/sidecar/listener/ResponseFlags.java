package io.weft.sidecar.listener;

/**
 * Why the proxy itself answered instead of the upstream, in Envoy's vocabulary, sent in the
 * {@value #HEADER} response header and written to the access log.
 */
public enum ResponseFlags {
    /** No route matched. */
    NR,
    /** No healthy upstream endpoint. */
    UH,
    /** Upstream connection failure. */
    UF,
    /** Upstream request timeout. */
    UT,
    /** Upstream reset the connection mid-response. */
    UR,
    /** The route names a cluster this proxy does not have. */
    NC,
    /** No config yet: the proxy has not received its first snapshot. */
    NCF,
    /** Refused by the authorization policy (Envoy's RBAC access denied). */
    RBAC;

    public static final String HEADER = "x-weft-response-flags";
}
