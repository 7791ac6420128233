package io.weft.proto.identity;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM encoding of certificates and PKCS#8 keys, as they travel in {@code weft.v1} messages and
 * xDS secrets, and as the CA stores them on disk. Parsing is the JDK's; this only frames the bytes.
 */
public final class Pem {
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {
    }

    public static String certificate(X509Certificate cert) {
        try {
            return frame("CERTIFICATE", cert.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + cert.getSubjectX500Principal() + ": cannot encode", e);
        }
    }

    public static String certificates(Collection<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(certificate(c)));
        return sb.toString();
    }

    /** An unencrypted PKCS#8 private key. */
    public static String privateKey(PrivateKey key) {
        return frame("PRIVATE KEY", key.getEncoded());
    }

    /**
     * Every certificate in a PEM text, in order.
     *
     * @throws IllegalArgumentException when the text holds no certificate or a broken one
     */
    public static List<X509Certificate> parseCertificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("PEM text holds no certificate (expected: -----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("PEM certificates: not parseable (" + e.getMessage() + ")", e);
        }
    }

    /** A PKCS#8 {@code PRIVATE KEY} of the given algorithm ("EC", "RSA"). */
    public static PrivateKey parsePrivateKey(String pem, String algorithm) {
        Matcher m = KEY.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("PEM text holds no PKCS#8 key (expected: -----BEGIN PRIVATE KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM private key: not a valid " + algorithm + " PKCS#8 key ("
                    + e.getMessage() + ")", e);
        }
    }

    private static String frame(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }
}
