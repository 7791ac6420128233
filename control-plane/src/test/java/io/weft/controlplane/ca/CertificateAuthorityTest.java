package io.weft.controlplane.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.proto.identity.Csr;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.SpiffeId;
import io.weft.testing.MutableClock;
import io.weft.proto.identity.SpiffeTrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    static final SpiffeId USERS = SpiffeId.of("weft.local", "default", "users");
    static final SpiffeId ORDERS = SpiffeId.of("weft.local", "default", "orders");

    @TempDir
    Path tmp;
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    private CertificateAuthority ca() {
        return CertificateAuthority.open("weft.local", CaOptions.inMemory(), clock);
    }

    private SpiffeTrustManager verifier(CertificateAuthority ca) {
        return SpiffeTrustManager.anyWorkload(ca::trustBundle, "weft.local", clock);
    }

    @Test
    void signsA24HourSpiffeCertificateThatVerifiesAgainstTheBundle() throws Exception {
        CertificateAuthority ca = ca();
        X509Certificate leaf = ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        assertEquals(Optional.of(USERS), SpiffeTrustManager.spiffeId(leaf));
        assertEquals(clock.instant().plus(Duration.ofHours(24)), leaf.getNotAfter().toInstant());
        assertEquals(USERS, verifier(ca).verify(new X509Certificate[] {leaf}));
        assertTrue(leaf.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        assertEquals(-1, leaf.getBasicConstraints(), "a workload certificate is not a CA");
    }

    @Test
    void refusesACsrForSomeoneElsesIdentity() {
        CaException e = assertThrows(CaException.class, () -> ca().sign(Csr.pem(Csr.newKeyPair(), ORDERS), USERS, Duration.ZERO));
        assertEquals(CaException.Reason.DENIED, e.reason());
        assertTrue(e.getMessage().contains(ORDERS.uri()) && e.getMessage().contains(USERS.uri()), e.getMessage());
    }

    @Test
    void refusesMalformedRequestsWithAReason() throws Exception {
        CertificateAuthority ca = ca();
        assertEquals(CaException.Reason.INVALID, assertThrows(CaException.class, () -> ca.sign("", USERS, Duration.ZERO)).reason());
        assertTrue(assertThrows(CaException.class, () -> ca.sign("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                USERS, Duration.ZERO)).getMessage().startsWith("csr_pem"));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair weak = rsa.generateKeyPair();
        assertTrue(assertThrows(CaException.class, () -> ca.sign(Csr.pem(weak, USERS), USERS, Duration.ZERO))
                .getMessage().contains("1024 bits"));
        assertTrue(assertThrows(CaException.class, () -> ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ofSeconds(5)))
                .getMessage().contains("ttl_seconds"));
    }

    @Test
    void longTtlIsShortenedToTheMaximum() {
        X509Certificate leaf = ca().sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ofDays(365)).get(0);
        assertEquals(clock.instant().plus(Duration.ofDays(7)), leaf.getNotAfter().toInstant());
    }

    @Test
    void expiredCertificateIsRefused() {
        CertificateAuthority ca = ca();
        X509Certificate leaf = ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ofHours(1)).get(0);
        clock.advance(Duration.ofHours(2));
        CertificateException e = assertThrows(CertificateException.class, () -> verifier(ca).verify(new X509Certificate[] {leaf}));
        assertTrue(e.getMessage().contains(USERS.uri()) && e.getMessage().contains("not valid"), e.getMessage());
    }

    @Test
    void certificateFromAnotherCaIsRefused() {
        CertificateAuthority ours = ca();
        CertificateAuthority theirs = ca();
        X509Certificate foreign = theirs.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        assertThrows(CertificateException.class, () -> verifier(ours).verify(new X509Certificate[] {foreign}));
    }

    @Test
    void generatedRootIsPersistedAndReloaded() {
        CaOptions options = CaOptions.inMemory().withStateDir(tmp.resolve("ca"));
        CertificateAuthority first = CertificateAuthority.open("weft.local", options, clock);
        CertificateAuthority again = CertificateAuthority.open("weft.local", options, clock);
        assertEquals(first.trustBundle(), again.trustBundle());
        X509Certificate leaf = again.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        assertEquals(USERS, assertDoesNotThrowVerify(verifier(first), leaf));
    }

    @Test
    void operatorProvidedRootSignsWorkloads() throws Exception {
        RootCa root = RootCa.generate("weft.local", clock, Duration.ofDays(30));
        Files.writeString(tmp.resolve("ca.pem"), Pem.certificate(root.certificate()));
        Files.writeString(tmp.resolve("ca-key.pem"), Pem.privateKey(root.key()));
        CaOptions options = new CaOptions(Optional.empty(), Optional.of(tmp.resolve("ca.pem")), Optional.of(tmp.resolve("ca-key.pem")),
                Duration.ofHours(24), Duration.ofDays(7), 0);
        CertificateAuthority ca = CertificateAuthority.open("weft.local", options, clock);
        assertEquals(List.of(root.certificate()), ca.trustBundle());
        X509Certificate leaf = ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        leaf.verify(root.certificate().getPublicKey());
    }

    @Test
    void rootRotationKeepsOldAndNewCertificatesValidDuringTheOverlap() {
        CertificateAuthority ca = CertificateAuthority.open("weft.local", CaOptions.inMemory().withStateDir(tmp.resolve("ca")), clock);
        X509Certificate old = ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        X509Certificate oldRoot = ca.state().active().certificate();

        ca.prepareRotation();
        assertEquals(2, ca.trustBundle().size());
        X509Certificate stillOld = ca.sign(Csr.pem(Csr.newKeyPair(), USERS), USERS, Duration.ZERO).get(0);
        assertEquals(oldRoot.getSubjectX500Principal(), stillOld.getIssuerX500Principal(), "a prepared root signs nothing yet");

        ca.activateRotation();
        X509Certificate fresh = ca.sign(Csr.pem(Csr.newKeyPair(), ORDERS), ORDERS, Duration.ZERO).get(0);
        assertNotEquals(oldRoot.getSubjectX500Principal(), fresh.getIssuerX500Principal());
        assertEquals(USERS, assertDoesNotThrowVerify(verifier(ca), old));
        assertEquals(ORDERS, assertDoesNotThrowVerify(verifier(ca), fresh));
        // the state survives a restart mid-rotation
        assertEquals(ca.trustBundle(), CertificateAuthority.open("weft.local",
                CaOptions.inMemory().withStateDir(tmp.resolve("ca")), clock).trustBundle());

        ca.retirePrevious();
        assertEquals(1, ca.trustBundle().size());
        assertThrows(CertificateException.class, () -> verifier(ca).verify(new X509Certificate[] {old}));
        assertEquals(ORDERS, assertDoesNotThrowVerify(verifier(ca), fresh));
    }

    @Test
    void rotationStepsOutOfOrderAreRefused() {
        CertificateAuthority ca = ca();
        assertTrue(assertThrows(IllegalStateException.class, ca::activateRotation).getMessage().contains("prepare"));
        ca.prepareRotation();
        assertThrows(IllegalStateException.class, ca::prepareRotation);
        assertThrows(IllegalStateException.class, ca::retirePrevious);
    }

    private static SpiffeId assertDoesNotThrowVerify(SpiffeTrustManager tm, X509Certificate leaf) {
        try {
            return tm.verify(new X509Certificate[] {leaf});
        } catch (CertificateException e) {
            throw new AssertionError("expected the certificate to verify: " + e.getMessage(), e);
        }
    }
}
