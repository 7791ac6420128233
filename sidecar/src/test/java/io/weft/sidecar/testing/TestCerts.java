package io.weft.sidecar.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA for TLS tests: server certificates with DNS names, written as PEM, and a client trusting the CA. */
public final class TestCerts {
    private final KeyPair caKeys = ec();
    private final X509Certificate ca;
    private long serial = 1;

    public TestCerts() {
        ca = sign(new X500Name("CN=Weft Test CA"), caKeys, new X500Name("CN=Weft Test CA"), caKeys.getPrivate(), List.of(), true);
    }

    public X509Certificate ca() {
        return ca;
    }

    /** An EC server certificate for these DNS names, written to {@code <dir>/<base>.pem} (leaf, CA) and {@code <base>.key}. */
    public X509Certificate issue(Path dir, String base, String... dnsNames) {
        KeyPair kp = ec();
        X509Certificate leaf = sign(new X500Name("CN=" + dnsNames[0]), kp, new X500Name("CN=Weft Test CA"), caKeys.getPrivate(),
                List.of(dnsNames), false);
        try {
            Files.writeString(dir.resolve(base + ".pem"), pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
            Files.writeString(dir.resolve(base + ".key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        return leaf;
    }

    /** A client TLS context that trusts this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                 List<String> dnsNames, boolean isCa) {
        try {
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (!dnsNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new AssertionError(e);
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
