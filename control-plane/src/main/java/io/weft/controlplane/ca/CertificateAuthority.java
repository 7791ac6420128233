package io.weft.controlplane.ca;

import io.weft.proto.identity.SpiffeId;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The mesh CA: signs workload CSRs into short-lived SPIFFE certificates, hands out the trust
 * bundle, and rotates its root in three steps that never break a handshake: {@link #prepareRotation}
 * (the new root is trusted everywhere, signs nothing), {@link #activateRotation} (the new root signs,
 * the old one stays trusted) and {@link #retirePrevious} (the old root is dropped once its
 * certificates have expired). Thread-safe; bundle listeners run on the caller's thread after a change.
 */
public final class CertificateAuthority {
    private static final Logger LOG = System.getLogger(CertificateAuthority.class.getName());
    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    private static final Duration MIN_TTL = Duration.ofMinutes(1);
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    private final String trustDomain;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration maxTtl;
    private final Optional<CaStore> store;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> bundleListeners = new CopyOnWriteArrayList<>();
    private volatile CaState state;

    private CertificateAuthority(String trustDomain, CaState state, Optional<CaStore> store, Clock clock,
                                 Duration defaultTtl, Duration maxTtl) {
        this.trustDomain = trustDomain;
        this.state = state;
        this.store = store;
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    /**
     * Opens the CA: the operator's root when {@code options} names one, else the root persisted in
     * the state directory, else a new root (persisted there when a directory is given).
     */
    public static CertificateAuthority open(String trustDomain, CaOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Optional<CaStore> store = options.stateDir().map(CaStore::new);
        CaState state;
        if (options.rootCert().isPresent()) {
            state = CaState.of(CaStore.read(options.rootCert().get(), options.rootKey().orElseThrow()));
            store = Optional.empty(); // the operator owns the root; rotation is theirs too
        } else {
            state = store.flatMap(CaStore::load).orElse(null);
            if (state == null) {
                state = CaState.of(RootCa.generate(trustDomain, clock, ROOT_VALIDITY));
                LOG.log(Level.INFO, "CA: generated a new root for " + trustDomain
                        + store.map(s -> " (persisted)").orElse(" (in memory only)"));
                CaState s = state;
                store.ifPresent(st -> st.save(s));
            }
        }
        return new CertificateAuthority(trustDomain, state, store, clock, options.workloadTtl(), options.maxTtl());
    }

    public String trustDomain() {
        return trustDomain;
    }

    public CaState state() {
        return state;
    }

    public List<X509Certificate> trustBundle() {
        return state.trustBundle();
    }

    /** Runs {@code r} after every change of the trust bundle (rotation steps). */
    public void onBundleChange(Runnable r) {
        bundleListeners.add(Objects.requireNonNull(r, "r"));
    }

    /**
     * Signs a PEM PKCS#10 request for {@code caller}: the request must be well signed, carry an
     * acceptable key and exactly one SAN, the URI {@code caller}.
     *
     * @param requestedTtl zero for the default; longer than the maximum is shortened
     * @throws CaException naming what is wrong
     */
    public List<X509Certificate> sign(String csrPem, SpiffeId caller, Duration requestedTtl) {
        JcaPKCS10CertificationRequest csr = parse(csrPem);
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new CaException(CaException.Reason.INVALID, "csr: signature does not verify (expected: signed by its own key)");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CaException(CaException.Reason.INVALID, "csr: signature cannot be checked (" + e.getMessage() + ")");
        }
        PublicKey key;
        try {
            key = csr.getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new CaException(CaException.Reason.INVALID, "csr: public key unreadable (" + e.getMessage() + ")");
        }
        checkKey(key);
        List<String> uris = requestedUris(csr);
        if (uris.size() != 1) {
            throw new CaException(CaException.Reason.INVALID, "csr: URI SANs " + uris + " (expected: exactly one, " + caller + ")");
        }
        if (!uris.get(0).equals(caller.uri())) {
            throw new CaException(CaException.Reason.DENIED, "csr: identity " + uris.get(0) + " does not match the caller "
                    + caller + " (expected: a CSR for the caller's own identity)");
        }
        if (!caller.trustDomain().equals(trustDomain)) {
            throw new CaException(CaException.Reason.DENIED, "csr: trust domain " + caller.trustDomain()
                    + " (expected: " + trustDomain + ")");
        }
        Duration ttl = requestedTtl.isZero() ? defaultTtl : requestedTtl;
        if (ttl.isNegative() || ttl.compareTo(MIN_TTL) < 0) {
            throw new CaException(CaException.Reason.INVALID, "ttl_seconds: " + requestedTtl.toSeconds() + " (expected: 0 or >= 60)");
        }
        if (ttl.compareTo(maxTtl) > 0) {
            ttl = maxTtl;
        }
        X509Certificate leaf = issue(key, caller, List.of(), ttl, false);
        return List.of(leaf);
    }

    /**
     * Issues a certificate for a key the control plane holds itself (its own serving certificate):
     * the SPIFFE id plus DNS names / IP literals for clients that verify host names.
     */
    public X509Certificate issueServing(PublicKey key, SpiffeId id, List<String> hostNames, Duration ttl) {
        return issue(key, id, hostNames, ttl, true);
    }

    private X509Certificate issue(PublicKey key, SpiffeId id, List<String> hostNames, Duration ttl, boolean serving) {
        RootCa signer = state.active();
        Instant now = clock.instant();
        Instant notAfter = now.plus(ttl).isAfter(signer.notAfter()) ? signer.notAfter() : now.plus(ttl);
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri()));
        for (String h : hostNames) {
            boolean ip = h.matches("[0-9.]+") || h.contains(":");
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(signer.certificate(), RootCa.serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                    new X500Name("O=Weft,OU=" + id.namespace() + ",CN=" + id.service()), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(signer.certificate()));
            String alg = signer.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(signer.key())));
            LOG.log(Level.INFO, "CA: issued " + (serving ? "serving " : "") + "certificate for " + id + " serial "
                    + cert.getSerialNumber().toString(16) + " valid until " + notAfter);
            return cert;
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("CA: cannot issue a certificate for " + id + ": " + e.getMessage(), e);
        }
    }

    /** Step 1 of a rotation: a new root, trusted everywhere from the next push, signing nothing yet. */
    public CaState prepareRotation() {
        return change(s -> {
            if (s.next().isPresent()) {
                throw new IllegalStateException("rotation already prepared (expected: activate or retire first)");
            }
            return new CaState(s.active(), Optional.of(RootCa.generate(trustDomain, clock, ROOT_VALIDITY)), s.previous());
        });
    }

    /** Step 2: the prepared root signs from now on; the old one stays trusted. */
    public CaState activateRotation() {
        return change(s -> {
            RootCa next = s.next().orElseThrow(() -> new IllegalStateException(
                    "no prepared root (expected: prepare the rotation first)"));
            List<RootCa> previous = new ArrayList<>(s.previous());
            previous.add(0, s.active());
            return new CaState(next, Optional.empty(), previous);
        });
    }

    /** Step 3: stops trusting previous roots. Certificates they signed stop working at once. */
    public CaState retirePrevious() {
        return change(s -> {
            if (s.next().isPresent()) {
                throw new IllegalStateException("rotation prepared but not active (expected: activate first)");
            }
            return new CaState(s.active(), Optional.empty(), List.of());
        });
    }

    private CaState change(java.util.function.UnaryOperator<CaState> step) {
        CaState next;
        lock.lock();
        try {
            next = step.apply(state);
            CaState persisted = next;
            store.ifPresent(s -> s.save(persisted));
            state = next;
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "CA: rotation phase " + next.phase() + ", trust bundle of " + next.trustBundle().size() + " root(s)");
        bundleListeners.forEach(Runnable::run);
        return next;
    }

    private static JcaPKCS10CertificationRequest parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new CaException(CaException.Reason.INVALID, "csr_pem: empty (expected: a PEM CERTIFICATE REQUEST)");
        }
        if (pem.length() > 16 * 1024) {
            throw new CaException(CaException.Reason.INVALID, "csr_pem: " + pem.length() + " characters (expected: at most 16384)");
        }
        try (PEMParser p = new PEMParser(new java.io.StringReader(pem))) {
            Object o = p.readObject();
            if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest r) {
                return new JcaPKCS10CertificationRequest(r);
            }
            throw new CaException(CaException.Reason.INVALID, "csr_pem: " + (o == null ? "no PEM object" : o.getClass().getSimpleName())
                    + " (expected: a PEM CERTIFICATE REQUEST)");
        } catch (IOException | RuntimeException e) {
            if (e instanceof CaException ce) {
                throw ce;
            }
            throw new CaException(CaException.Reason.INVALID, "csr_pem: not parseable (" + e.getMessage() + ")");
        }
    }

    private static void checkKey(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 256 && bits != 384) {
                throw new CaException(CaException.Reason.INVALID, "csr: EC key of " + bits + " bits (expected: P-256 or P-384)");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new CaException(CaException.Reason.INVALID, "csr: RSA key of " + rsa.getModulus().bitLength()
                        + " bits (expected: >= 2048)");
            }
        } else {
            throw new CaException(CaException.Reason.INVALID, "csr: key algorithm " + key.getAlgorithm() + " (expected: EC or RSA)");
        }
    }

    /** The SANs a CSR asks for, rendered as strings; URIs as they are, others prefixed by their kind. */
    private static List<String> requestedUris(JcaPKCS10CertificationRequest csr) {
        List<String> out = new ArrayList<>();
        for (var attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable v : attr.getAttrValues()) {
                Extensions exts = Extensions.getInstance(v);
                GeneralNames names = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
                if (names == null) {
                    continue;
                }
                for (GeneralName n : names.getNames()) {
                    out.add(n.getTagNo() == GeneralName.uniformResourceIdentifier ? n.getName().toString()
                            : "(" + kind(n.getTagNo()) + ") " + n.getName());
                }
            }
        }
        return out;
    }

    private static String kind(int tag) {
        return switch (tag) {
            case GeneralName.dNSName -> "DNS";
            case GeneralName.iPAddress -> "IP";
            case GeneralName.rfc822Name -> "email";
            default -> "tag " + tag;
        };
    }
}
