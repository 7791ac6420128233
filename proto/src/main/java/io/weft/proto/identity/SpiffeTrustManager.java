package io.weft.proto.identity;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a mesh peer: its chain must lead, by PKIX rules at the injected clock's time, to one of
 * the roots of the current trust bundle (several during a root rotation), and its one URI SAN must
 * be a SPIFFE id of the trust domain that the expectation accepts (any workload on an inbound
 * listener; exactly the destination service's id on an outbound connection). Host names are never
 * consulted. Refusals throw {@link CertificateException} naming the peer and the reason, and are
 * logged. Thread-safe: the bundle is read once per handshake from the supplier.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = System.getLogger(SpiffeTrustManager.class.getName());
    private static final int URI_SAN = 6;

    private final Supplier<List<X509Certificate>> bundle;
    private final String trustDomain;
    private final Predicate<SpiffeId> expected;
    private final String expectation;
    private final Clock clock;

    /**
     * @param bundle      the roots trusted right now
     * @param trustDomain the only trust domain accepted
     * @param expected    which peer ids are acceptable
     * @param expectation how {@code expected} reads in an error message ("spiffe://.../sa/orders")
     * @param clock       the time certificates are checked against
     */
    public SpiffeTrustManager(Supplier<List<X509Certificate>> bundle, String trustDomain, Predicate<SpiffeId> expected,
                              String expectation, Clock clock) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.expectation = Objects.requireNonNull(expectation, "expectation");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Accepts any workload of the trust domain (inbound listeners; authorization decides after). */
    public static SpiffeTrustManager anyWorkload(Supplier<List<X509Certificate>> bundle, String trustDomain, Clock clock) {
        return new SpiffeTrustManager(bundle, trustDomain, id -> true, "any workload of " + trustDomain, clock);
    }

    /** Accepts only peers whose id is one of {@code ids} (outbound: the destination service). */
    public static SpiffeTrustManager exactly(Supplier<List<X509Certificate>> bundle, String trustDomain, Set<SpiffeId> ids,
                                             Clock clock) {
        Set<SpiffeId> copy = Set.copyOf(ids);
        return new SpiffeTrustManager(bundle, trustDomain, copy::contains, copy.stream().map(SpiffeId::uri).sorted().toList()
                .toString(), clock);
    }

    /** The SPIFFE id in a certificate's URI SAN, if it has exactly one that parses. */
    public static Optional<SpiffeId> spiffeId(X509Certificate cert) {
        List<String> uris = uriSans(cert);
        return uris.size() == 1 ? SpiffeId.tryParse(uris.get(0)) : Optional.empty();
    }

    /**
     * Checks a peer chain (leaf first) and returns the peer's id.
     *
     * @throws CertificateException naming the peer and why it is refused
     */
    public SpiffeId verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refuse("(no certificate)", "the peer presented no certificate");
        }
        X509Certificate leaf = chain[0];
        String subject = leaf.getSubjectX500Principal().getName();
        List<String> uris = uriSans(leaf);
        if (uris.size() != 1) {
            throw refuse(subject, "URI SANs " + uris + " (expected: exactly one SPIFFE id)");
        }
        SpiffeId id = SpiffeId.tryParse(uris.get(0)).orElseThrow(() -> refuse(subject, "URI SAN \"" + uris.get(0)
                + "\" (expected: spiffe://" + trustDomain + "/ns/<namespace>/sa/<service>)"));
        if (!id.trustDomain().equals(trustDomain)) {
            throw refuse(id.uri(), "trust domain " + id.trustDomain() + " (expected: " + trustDomain + ")");
        }
        List<X509Certificate> roots = bundle.get();
        if (roots.isEmpty()) {
            throw refuse(id.uri(), "no trust bundle yet");
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
            path.removeIf(c -> roots.contains(c)); // a peer may append the root; the anchor stands for it
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (GeneralSecurityException e) {
            throw refuse(id.uri(), "chain not valid against the trust bundle at " + clock.instant() + ": " + e.getMessage());
        }
        if (!expected.test(id)) {
            throw refuse(id.uri(), "SPIFFE id not accepted here (expected: " + expectation + ")");
        }
        return id;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return bundle.get().toArray(X509Certificate[]::new);
    }

    private static List<String> uriSans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0)) && san.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a SAN extension that does not parse carries no usable id
        }
        return out;
    }

    private static CertificateException refuse(String peer, String why) {
        String msg = "peer " + peer + " refused: " + why;
        LOG.log(Level.WARNING, msg);
        return new CertificateException(msg);
    }
}
