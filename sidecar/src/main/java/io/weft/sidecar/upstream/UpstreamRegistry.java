package io.weft.sidecar.upstream;

import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.telemetry.UpstreamObserver;
import io.weft.sidecar.upstream.client.Http1Client;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-lived state of every cluster, keyed by name, so that a config push keeps in-flight counts,
 * latency estimates, ejections and health verdicts. Compiles each snapshot's {@link UpstreamCluster}s
 * over that state, and runs the periodic work (outlier sweeps, active health checks) on one virtual
 * thread. Thread-safe.
 */
public final class UpstreamRegistry implements AutoCloseable {
    private static final long TICK_MILLIS = 50;

    private final Map<String, ClusterState> clusters = new ConcurrentHashMap<>();
    private final Map<String, long[]> due = new ConcurrentHashMap<>(); // name -> {next sweep, next health check}
    private final Ticker ticker;
    private final String localZone;
    private final HealthChecker checker;
    private final UpstreamObserver observer;
    private final Thread timer;
    private volatile boolean closed;

    /**
     * @param localZone this proxy's zone; endpoints in it are preferred when any is available. Empty: no preference
     */
    public UpstreamRegistry(Ticker ticker, String localZone, Http1Client healthCheckClient, UpstreamObserver observer) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.localZone = Objects.requireNonNull(localZone, "localZone");
        this.checker = new HealthChecker(healthCheckClient, ticker);
        this.timer = Thread.ofVirtual().name("weft-upstream-timer").start(this::tickLoop);
    }

    /** Applies a cluster's spec and endpoints to its state and compiles the snapshot's view of it. */
    public UpstreamCluster compile(ClusterSpec spec, List<EndpointSpec> endpoints) {
        ClusterState st = clusters.computeIfAbsent(spec.name(), n -> new ClusterState(n, ticker, observer));
        EndpointState[] all = st.update(spec, endpoints);
        long warm = spec.lb().slowStart().toNanos();
        if (warm == 0 && spec.outlier().isPresent()) {
            warm = spec.outlier().get().interval().toNanos(); // gradual return after an ejection
        }
        LoadBalancer lb = LoadBalancer.create(spec.lb(), all, ticker, warm);
        if (!localZone.isEmpty()) {
            EndpointState[] local = Arrays.stream(all).filter(e -> e.spec().zone().equals(localZone)).toArray(EndpointState[]::new);
            if (local.length > 0 && local.length < all.length) {
                lb = new LoadBalancer.ZoneAware(LoadBalancer.create(spec.lb(), local, ticker, warm), lb);
            }
        }
        return new UpstreamCluster(spec, all, lb, st);
    }

    /** Drops the state of clusters no longer in the active snapshot. */
    public void retain(Set<String> names) {
        clusters.keySet().retainAll(names);
        due.keySet().retainAll(names);
    }

    public Collection<ClusterState> clusters() {
        return clusters.values();
    }

    private void tickLoop() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = ticker.nanos();
            for (ClusterState c : clusters.values()) {
                ClusterSpec s = c.spec();
                if (s == null) {
                    continue;
                }
                long[] next = due.computeIfAbsent(c.name(), n -> new long[] {now, now});
                if (s.outlier().isPresent() && now - next[0] >= 0) {
                    c.sweep();
                    next[0] = now + s.outlier().get().interval().toNanos();
                }
                if (s.healthCheck().isPresent() && now - next[1] >= 0) {
                    checker.checkAll(c);
                    next[1] = now + s.healthCheck().get().interval().toNanos();
                }
            }
        }
    }

    /** A snapshot of every cluster's counters, for {@code /stats}. */
    public Map<String, Map<String, Object>> stats() {
        Map<String, Map<String, Object>> out = new HashMap<>();
        clusters.forEach((n, c) -> out.put(n, c.stats()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        timer.interrupt();
    }
}
