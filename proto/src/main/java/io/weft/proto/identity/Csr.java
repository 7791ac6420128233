package io.weft.proto.identity;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A workload's key pair and its certificate signing request. The key pair is generated here, in the
 * workload's process, and only the CSR (public key + requested SPIFFE id, signed by the key) leaves.
 */
public final class Csr {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csr() {
    }

    /** A fresh ECDSA P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation unavailable", e);
        }
    }

    /** A PEM PKCS#10 request for {@code uriSan} (normally a SPIFFE id), signed with {@code keys}. */
    public static String pem(KeyPair keys, String uriSan) {
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uriSan)));
            PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=Weft"), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder(keys.getPrivate().getAlgorithm().equals("EC")
                            ? "SHA256withECDSA" : "SHA256withRSA").build(keys.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(req);
            }
            return out.toString();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("CSR signing unavailable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pem(KeyPair keys, SpiffeId id) {
        return pem(keys, id.uri());
    }
}
