package io.weft.proto.identity;

import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * The one TLS profile of the mesh, for every listener and client: TLS 1.3 preferred, TLS 1.2 with
 * ECDHE + AEAD suites only, ALPN h2 then http/1.1. Nothing older, no CBC, no RSA key exchange.
 */
public final class TlsDefaults {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    public static final List<String> ALPN = List.of("h2", "http/1.1");

    private TlsDefaults() {
    }

    /** Parameters for a mesh endpoint; {@code needClientAuth} for a server that requires a peer certificate. */
    public static SSLParameters parameters(boolean needClientAuth, List<String> alpn) {
        SSLParameters p = new SSLParameters(CIPHER_SUITES.toArray(String[]::new), PROTOCOLS.toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        p.setApplicationProtocols(alpn.toArray(String[]::new));
        if (needClientAuth) {
            p.setNeedClientAuth(true);
        }
        return p;
    }
}
