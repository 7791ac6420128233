package io.weft.sidecar.edge.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the edge's certificate per handshake by the client's SNI host name: the first certificate
 * valid for that name, else the first one configured (clients without SNI, unknown names). The set
 * can be replaced at any time ({@link #use}); a handshake in progress finishes with the set it started
 * with, every later handshake uses the new one. Thread-safe, lock-free.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** One set of certificates; aliases name the generation so a swap mid-handshake cannot mix them up. */
    private record Generation(long id, List<ServerCertificate> certs) {
    }

    private volatile Generation current;
    private volatile Generation previous;

    SniKeyManager(List<ServerCertificate> certs) {
        this.current = new Generation(0, List.copyOf(certs));
        this.previous = current;
    }

    /** Serves these certificates from the next handshake on. */
    void use(List<ServerCertificate> certs) {
        Generation g = current;
        previous = g;
        current = new Generation(g.id() + 1, List.copyOf(certs));
    }

    List<ServerCertificate> certificates() {
        return current.certs();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return choose(keyType, s);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    private String choose(String keyType, SSLSession session) {
        Generation g = current;
        Optional<String> host = sni(session);
        int fallback = -1;
        for (int i = 0; i < g.certs().size(); i++) {
            ServerCertificate c = g.certs().get(i);
            if (!c.keyType().equals(keyType)) {
                continue;
            }
            if (host.isPresent() && c.serves(host.get())) {
                return g.id() + ":" + i;
            }
            fallback = fallback < 0 ? i : fallback;
        }
        return fallback < 0 ? null : g.id() + ":" + fallback;
    }

    private static Optional<String> sni(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return Optional.of(h.getAsciiName());
                }
            }
        }
        return Optional.empty();
    }

    private ServerCertificate byAlias(String alias) {
        if (alias == null) {
            return null;
        }
        int colon = alias.indexOf(':');
        if (colon < 0) {
            return null;
        }
        long id;
        int index;
        try {
            id = Long.parseLong(alias.substring(0, colon));
            index = Integer.parseInt(alias.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        for (Generation g : new Generation[] {current, previous}) {
            if (g.id() == id && index >= 0 && index < g.certs().size()) {
                return g.certs().get(index);
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServerCertificate c = byAlias(alias);
        return c == null ? null : c.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServerCertificate c = byAlias(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        return java.util.stream.IntStream.range(0, g.certs().size())
                .filter(i -> g.certs().get(i).keyType().equals(keyType)).mapToObj(i -> g.id() + ":" + i).toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    static SniKeyManager of(List<ServerCertificate> certs) {
        if (Objects.requireNonNull(certs, "certs").isEmpty()) {
            throw new IllegalArgumentException("certificates: empty (expected: at least one)");
        }
        return new SniKeyManager(certs);
    }
}
