package io.weft.sidecar.tls;

import io.weft.proto.identity.Csr;
import io.weft.proto.identity.KeyMaterial;
import io.weft.proto.identity.SpiffeId;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The sidecar's own identity: an ECDSA P-256 key generated in this process, a certificate for it from
 * the mesh CA, and the trust bundle. Renews at half the certificate's lifetime (±10% jitter so a
 * fleet started together does not renew together), retrying with backoff while the CA is away; the
 * current certificate keeps serving meanwhile. Every renewal is a new key. Readers get the current
 * material with one volatile read, so TLS handshakes pick a renewal up at once.
 */
public final class WorkloadIdentity implements AutoCloseable {
    private static final Logger LOG = System.getLogger(WorkloadIdentity.class.getName());
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);

    /** Gets a CSR signed: with the join token when {@code current} is empty, else over mTLS with it. */
    @FunctionalInterface
    public interface Signer {
        /** @return the chain (leaf first) and the trust bundle */
        Signed sign(String csrPem, Optional<KeyMaterial> current) throws Exception;
    }

    public record Signed(List<X509Certificate> chain, List<X509Certificate> trustBundle) {
    }

    private final SpiffeId id;
    private final Signer signer;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-identity").factory());
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<KeyMaterial>> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyMaterial current;
    private ScheduledFuture<?> next;
    private int failures;

    private WorkloadIdentity(SpiffeId id, Signer signer, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Obtains the first certificate, retrying until {@code timeout}, then keeps it renewed.
     *
     * @throws IllegalStateException naming the last error when no certificate came in time
     */
    public static WorkloadIdentity obtain(SpiffeId id, Signer signer, Clock clock, Duration timeout) throws InterruptedException {
        WorkloadIdentity w = new WorkloadIdentity(id, signer, clock);
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration backoff = RETRY_MIN;
        while (true) {
            Optional<String> error = w.renew(false);
            if (error.isEmpty()) {
                return w;
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                w.close();
                throw new IllegalStateException("no certificate for " + id + " within " + timeout + ": " + error.get());
            }
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : backoff.multipliedBy(2);
        }
    }

    public SpiffeId id() {
        return id;
    }

    /** The material in force now. */
    public KeyMaterial current() {
        return current;
    }

    /** Runs after every renewal or trust-bundle change, on the identity's own thread. */
    public void onChange(Consumer<KeyMaterial> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Replaces the trust bundle (pushed over SDS during a root rotation); the key and chain stay. */
    public void trustBundle(List<X509Certificate> bundle) {
        lock.lock();
        try {
            if (bundle.isEmpty() || current.trustBundle().equals(bundle)) {
                return;
            }
            current = current.withTrustBundle(bundle);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "identity " + id + ": trust bundle now " + bundle.size() + " root(s)");
        listeners.forEach(l -> l.accept(current));
    }

    /** Renews now (tests, operators); returns the error if it failed. */
    public Optional<String> renewNow() {
        return renew(true);
    }

    /**
     * When to renew a certificate: at {@code fraction} of its lifetime after its start (0.5 ± jitter),
     * counted from {@code now}; never negative.
     */
    public static Duration renewalDelay(KeyMaterial material, Instant now, double fraction) {
        Duration life = Duration.between(material.notBefore(), material.notAfter());
        Instant at = material.notBefore().plusMillis((long) (life.toMillis() * fraction));
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Optional<String> renew(boolean retryLater) {
        KeyPair keys = Csr.newKeyPair();
        Optional<KeyMaterial> before = Optional.ofNullable(current);
        Signed signed;
        try {
            signed = signer.sign(Csr.pem(keys, id), before);
            if (signed.chain().isEmpty() || !signed.chain().get(0).getPublicKey().equals(keys.getPublic())) {
                throw new IllegalStateException("the CA answered with a certificate for another key");
            }
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (retryLater) {
                schedule(retryDelay());
            }
            LOG.log(before.isPresent() ? Level.WARNING : Level.INFO, "identity " + id + ": renewal failed (" + why + ")"
                    + before.map(b -> "; keeping the certificate valid until " + b.notAfter()).orElse(""));
            return Optional.of(why);
        }
        KeyMaterial fresh = new KeyMaterial(keys.getPrivate(), signed.chain(), signed.trustBundle());
        lock.lock();
        try {
            current = fresh;
            failures = 0;
        } finally {
            lock.unlock();
        }
        double fraction = 0.5 + ThreadLocalRandom.current().nextDouble(-0.1, 0.1);
        Duration delay = renewalDelay(fresh, clock.instant(), fraction);
        schedule(delay);
        LOG.log(Level.INFO, "identity " + id + ": certificate serial " + fresh.leaf().getSerialNumber().toString(16)
                + " valid until " + fresh.notAfter() + ", renewing in " + delay.toSeconds() + "s");
        listeners.forEach(l -> l.accept(fresh));
        return Optional.empty();
    }

    private Duration retryDelay() {
        lock.lock();
        try {
            failures++;
            long ms = Math.min(RETRY_MAX.toMillis(), RETRY_MIN.toMillis() << Math.min(failures, 10));
            return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ms / 2, ms + 1));
        } finally {
            lock.unlock();
        }
    }

    private void schedule(Duration delay) {
        lock.lock();
        try {
            if (next != null) {
                next.cancel(false);
            }
            if (!timer.isShutdown()) {
                next = timer.schedule(() -> renew(true), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
