package io.weft.controlplane.xds;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The xDS v3 server: holds the current {@link MeshView} and every open ADS stream (state of the
 * world and delta), and pushes a new view to each stream, which sends only what changed for it.
 *
 * <p>Thread-safety: {@link #update} may be called from any one thread at a time (the control
 * plane's rebuild thread); streams are served on gRPC threads.
 */
public final class XdsServer {
    private static final System.Logger LOG = System.getLogger(XdsServer.class.getName());
    private static final int PUSH_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final java.util.concurrent.ExecutorService PUSHERS = java.util.concurrent.Executors.newFixedThreadPool(
            PUSH_THREADS, Thread.ofPlatform().daemon().name("weft-push-", 0).factory());
    private final Set<AdsStreamBase> streams = ConcurrentHashMap.newKeySet();
    private final XdsListener listener;
    private final Clock clock;
    private final RolloutTracker rollouts;
    private final Instant warmUntil;
    private volatile boolean warmingUp;
    private volatile MeshView view;

    public XdsServer(MeshState initial, XdsListener listener, Clock clock) {
        this(initial, listener, clock, Duration.ZERO);
    }

    /**
     * @param warmUp how long after start proxies that reconnect with endpoints keep them rather than
     *               receive the registry's still-filling view (a restarted control plane has not yet seen
     *               every sidecar re-register); call {@link #endWarmUpIfDue()} to end it
     */
    public XdsServer(MeshState initial, XdsListener listener, Clock clock, Duration warmUp) {
        this.view = new MeshView(Objects.requireNonNull(initial, "initial"));
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rollouts = new RolloutTracker(clock);
        this.warmUntil = clock.instant().plus(warmUp);
        this.warmingUp = !warmUp.isZero();
    }

    /** The ADS service, with the interceptor that records each caller's address. */
    public ServerServiceDefinition service() {
        BindableService ads = new AdsService(this);
        ServerInterceptor peer = AdsService.peerInterceptor();
        return ServerInterceptors.intercept(ads, peer);
    }

    /** Makes {@code state} current and pushes it to every stream whose resources changed. */
    public void update(MeshState state) {
        update(state, "update");
    }

    /**
     * Makes {@code state} current, pushes it to every stream whose resources changed (each stream sends
     * only the types whose content differs from what it last sent), and starts tracking the rollout.
     *
     * @param cause what changed, for the rollout status ("config: mesh.yaml", "endpoints")
     */
    public void update(MeshState state, String cause) {
        MeshView next = new MeshView(state);
        view = next;
        RolloutTracker.Rollout rollout = rollouts.begin(state.version(), cause);
        List<AdsStreamBase> all = List.copyOf(streams);
        // Streams are independent (each has its own lock): push to them on every core.
        int parts = Math.min(PUSH_THREADS, Math.max(1, all.size() / 64));
        List<java.util.concurrent.Future<?>> done = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            List<AdsStreamBase> slice = all.subList(all.size() * p / parts, all.size() * (p + 1) / parts);
            Runnable job = () -> slice.forEach(s -> push(s, next, rollout));
            if (p == parts - 1) {
                job.run();
            } else {
                done.add(PUSHERS.submit(job));
            }
        }
        for (var f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.log(System.Logger.Level.ERROR, "push failed: " + e.getCause());
            }
        }
        rollouts.pushed(rollout);
    }

    private void push(AdsStreamBase s, MeshView next, RolloutTracker.Rollout rollout) {
        try {
            s.push(next, types -> rollouts.target(rollout, s, types));
        } catch (RuntimeException e) {
            // An inconsistent translation for this node: it keeps its previous resources.
            LOG.log(System.Logger.Level.ERROR, "not pushing mesh version " + rollout.version + " to "
                    + s.node().id() + ": " + e.getMessage());
        }
    }

    /** Whether proxies that reconnect with endpoints keep them for now (see the constructor). */
    boolean warmingUp() {
        if (warmingUp && !clock.instant().isBefore(warmUntil)) {
            warmingUp = false;
        }
        return warmingUp;
    }

    /**
     * Ends the warm-up once its time has come and sends the held-back endpoints. Returns whether the
     * server is still warming up. Called by the control plane's timer.
     */
    public boolean endWarmUpIfDue() {
        if (!warmingUp) {
            return false;
        }
        if (warmingUp()) {
            return true;
        }
        MeshView current = view;
        for (AdsStreamBase s : streams) {
            s.push(current, types -> { });
        }
        return false;
    }

    /**
     * A dry run: what {@code candidate} would change for each connected proxy, without pushing it.
     * Proxies it would not change are left out.
     */
    public List<ConfigDiff> diff(MeshState candidate) {
        MeshView current = view;
        MeshView next = new MeshView(candidate);
        List<ConfigDiff> out = new ArrayList<>();
        for (AdsStreamBase s : streams) {
            s.diff(current, next).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(ConfigDiff::node));
        return out;
    }

    /** Rollouts, newest first. */
    public List<RolloutStatus> rollouts() {
        return rollouts.status();
    }

    void acked(AdsStreamBase stream, String type, String version, long meshVersion) {
        listener.acked(stream.node(), type, version, meshVersion);
        rollouts.acked(stream, type, meshVersion);
    }

    void nacked(AdsStreamBase stream, String type, String version, long meshVersion, String error) {
        listener.nacked(stream.node(), type, version, error);
        rollouts.nacked(stream, meshVersion, error);
    }

    public MeshState state() {
        return view.state();
    }

    /** A snapshot of every connected proxy, by node id. */
    public List<ProxyStatus> status() {
        List<ProxyStatus> out = new ArrayList<>();
        for (AdsStreamBase s : streams) {
            out.add(s.status());
        }
        out.sort(Comparator.comparing(p -> p.node().id()));
        return out;
    }

    public List<ProxyNode> connectedNodes() {
        return streams.stream().map(AdsStreamBase::node).toList();
    }

    MeshView view() {
        return view;
    }

    XdsListener listener() {
        return listener;
    }

    Clock clock() {
        return clock;
    }

    void opened(AdsStreamBase stream) {
        streams.add(stream);
        listener.connected(stream.node());
    }

    void closed(AdsStreamBase stream) {
        rollouts.closed(stream);
        if (streams.remove(stream)) {
            listener.disconnected(stream.node());
        }
    }
}
