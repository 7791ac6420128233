package io.weft.sidecar.edge.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * One certificate the edge can present: the chain (leaf first), its private key, and the host names
 * it is valid for (its DNS subject alternative names, else its common name). Immutable.
 */
record ServerCertificate(List<X509Certificate> chain, PrivateKey key, Set<String> names) {
    ServerCertificate {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        names = Set.copyOf(names);
    }

    /**
     * Reads a PEM certificate chain and a PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}; RSA, EC or EdDSA).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static ServerCertificate read(Path certFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(certFile)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(certFile + ": " + e.getMessage() + " (expected: PEM certificates, leaf first)", e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certFile + ": no certificate (expected: PEM certificates, leaf first)");
        }
        PrivateKey key = key(keyFile, chain.getFirst().getPublicKey().getAlgorithm());
        return new ServerCertificate(chain, key, names(chain.getFirst()));
    }

    private static PrivateKey key(Path file, String algorithm) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + ": no PKCS#8 key (expected: -----BEGIN PRIVATE KEY-----; convert "
                    + "with openssl pkcs8 -topk8 -nocrypt)");
        }
        String base64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
        try {
            String alg = algorithm.equals("Ed25519") || algorithm.equals("Ed448") ? "EdDSA" : algorithm;
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a " + algorithm + " private key matching the certificate ("
                    + e.getMessage() + ")", e);
        }
    }

    private static Set<String> names(X509Certificate leaf) {
        Set<String> out = new LinkedHashSet<>();
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SANs: fall back to the common name
        }
        if (out.isEmpty()) {
            for (String part : leaf.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
                if (part.startsWith("CN=")) {
                    out.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Whether this certificate is valid for a host name: an exact name, or a {@code *.} wildcard for one label. */
    boolean serves(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (names.contains(h)) {
            return true;
        }
        int dot = h.indexOf('.');
        return dot > 0 && names.contains("*" + h.substring(dot));
    }

    /** The JSSE key type this certificate's key answers to ({@code RSA}, {@code EC}, {@code EdDSA}). */
    String keyType() {
        String a = key.getAlgorithm();
        return a.equals("Ed25519") || a.equals("Ed448") ? "EdDSA" : a;
    }
}
