package io.weft.controlplane.xds;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Follows each pushed mesh version until every proxy it was pushed to has acknowledged it: how many
 * converged, which refused it, and how long convergence took (like {@code istioctl proxy-status}, with
 * the time). A proxy converges when, for every type it was sent, it ACKed a response built from this
 * mesh version or a later one. A proxy that disconnects before that leaves the rollout as "gone".
 * Keeps the last {@value #KEEP} rollouts. Thread-safe.
 */
final class RolloutTracker {
    static final int KEEP = 100;

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Rollout> rollouts = new ArrayDeque<>();

    RolloutTracker(Clock clock) {
        this.clock = clock;
    }

    /** One pushed mesh version. Streams are added while it is pushed, each under the stream's own lock. */
    static final class Rollout {
        final long version;
        final String cause;
        final Instant started;
        int targeted;
        boolean pushed;
        final Map<AdsStreamBase, Set<String>> pending = new HashMap<>();
        final Map<String, String> nacked = new TreeMap<>();
        final Set<String> gone = new HashSet<>();
        Instant lastConverged;

        Rollout(long version, String cause, Instant started) {
            this.version = version;
            this.cause = cause;
            this.started = started;
        }

        RolloutStatus status() {
            List<String> waiting = pending.keySet().stream().map(s -> s.node().id()).sorted().toList();
            int converged = targeted - pending.size() - gone.size();
            Optional<Duration> took = pushed && pending.isEmpty()
                    ? Optional.of(lastConverged == null ? Duration.ZERO : Duration.between(started, lastConverged))
                    : Optional.empty();
            return new RolloutStatus(version, cause, started, targeted, converged, waiting, Map.copyOf(nacked),
                    List.copyOf(gone), took);
        }
    }

    /** A mesh version is about to be pushed. */
    Rollout begin(long version, String cause) {
        lock.lock();
        try {
            Rollout r = new Rollout(version, cause, clock.instant());
            rollouts.addFirst(r);
            while (rollouts.size() > KEEP) {
                rollouts.removeLast();
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code stream} was sent {@code types} for the rollout. Called by the stream while it still holds
     * its lock, so its ACKs (processed under the same lock) always find the rollout ready for them.
     */
    void target(Rollout r, AdsStreamBase stream, Set<String> types) {
        if (types.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            r.pending.put(stream, new HashSet<>(types));
            r.targeted++;
        } finally {
            lock.unlock();
        }
    }

    /** Every stream has been pushed to. */
    void pushed(Rollout r) {
        lock.lock();
        try {
            r.pushed = true;
        } finally {
            lock.unlock();
        }
    }

    void acked(AdsStreamBase stream, String type, long meshVersion) {
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Rollout r : rollouts) {
                if (r.version > meshVersion) {
                    continue;
                }
                Set<String> types = r.pending.get(stream);
                if (types != null && types.remove(type) && types.isEmpty()) {
                    r.pending.remove(stream);
                    r.nacked.remove(stream.node().id());
                    r.lastConverged = now;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void nacked(AdsStreamBase stream, long meshVersion, String error) {
        lock.lock();
        try {
            for (Rollout r : rollouts) {
                if (r.version == meshVersion && r.pending.containsKey(stream)) {
                    r.nacked.put(stream.node().id(), error);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void closed(AdsStreamBase stream) {
        lock.lock();
        try {
            for (Rollout r : rollouts) {
                if (r.pending.remove(stream) != null) {
                    r.gone.add(stream.node().id());
                    if (r.pending.isEmpty()) {
                        r.lastConverged = clock.instant();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Newest first. */
    List<RolloutStatus> status() {
        lock.lock();
        try {
            List<RolloutStatus> out = new ArrayList<>(rollouts.size());
            rollouts.forEach(r -> out.add(r.status()));
            return out;
        } finally {
            lock.unlock();
        }
    }
}
