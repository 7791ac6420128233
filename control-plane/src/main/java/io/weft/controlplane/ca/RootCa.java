package io.weft.controlplane.ca;

import io.weft.proto.identity.SpiffeId;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A root of trust: a self-signed CA certificate and its private key. The key stays in the control
 * plane (and in its state directory when persisted).
 */
public record RootCa(X509Certificate certificate, PrivateKey key) {
    static final SecureRandom RANDOM = new SecureRandom();

    public RootCa {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("root " + certificate.getSubjectX500Principal()
                    + ": not a CA certificate (expected: basicConstraints CA:true)");
        }
    }

    /** A new ECDSA P-256 root for the trust domain, valid for {@code validity} from now. */
    public static RootCa generate(String trustDomain, Clock clock, Duration validity) {
        try {
            KeyPair kp = ecKeyPair();
            Instant now = clock.instant();
            // Unique per root, so two roots of one rotation never share a subject name.
            X500Name name = new X500Name("O=Weft,OU=" + trustDomain + ",CN=Weft root " + now.getEpochSecond() + "-"
                    + Integer.toHexString(RANDOM.nextInt() & 0x7fffffff));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), name, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, SpiffeId.trustDomainUri(trustDomain))));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new RootCa(cert, kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot generate a root CA for " + trustDomain + ": " + e.getMessage(), e);
        }
    }

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** A positive 127-bit random serial (RFC 5280: at most 20 octets, unpredictable). */
    static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(120);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }
}
