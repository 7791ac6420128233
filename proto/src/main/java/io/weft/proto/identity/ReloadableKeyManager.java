package io.weft.proto.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager that presents whatever {@link KeyMaterial} its supplier holds at handshake time. Swap
 * the material (a renewal) and every new handshake uses it at once; connections already up keep the
 * session they negotiated. While the supplier gives null, no certificate is presented. Thread-safe as long as the supplier is (a volatile read).
 */
public final class ReloadableKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "weft-workload";
    private final Supplier<KeyMaterial> current;

    public ReloadableKeyManager(Supplier<KeyMaterial> current) {
        this.current = Objects.requireNonNull(current, "current");
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return any(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return any(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current.get().chain().toArray(X509Certificate[]::new) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current.get().key() : null;
    }

    private String any(String[] keyTypes) {
        if (keyTypes == null) {
            return null;
        }
        for (String t : keyTypes) {
            if (matches(t)) {
                return ALIAS;
            }
        }
        return null;
    }

    private boolean matches(String keyType) {
        // JSSE asks with "EC", "RSA", or TLS 1.2 forms such as "EC_EC" / "ECDHE_ECDSA".
        KeyMaterial m = current.get();
        if (m == null) {
            return false; // no certificate yet: the handshake goes on without one
        }
        String alg = m.key().getAlgorithm();
        return keyType != null && (keyType.equals(alg) || keyType.startsWith(alg + "_")
                || (alg.equals("EC") && keyType.contains("ECDSA")) || (alg.equals("RSA") && keyType.endsWith("RSA")));
    }
}
