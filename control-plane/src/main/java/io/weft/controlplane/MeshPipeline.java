package io.weft.controlplane;

import io.weft.controlplane.discovery.EndpointSource;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.xds.XdsServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Joins the latest config and every endpoint source into one {@link MeshState} and hands it to the
 * xDS server. Changes are debounced: a burst of registrations (a deployment, a control-plane
 * restart) becomes one rebuild and one push, not thousands. Rebuilds run on one thread.
 */
final class MeshPipeline implements AutoCloseable {
    private final XdsServer xds;
    private final List<EndpointSource> sources;
    private final Duration debounce;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-rebuild").factory());
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile MeshConfig config;
    private volatile java.util.function.Supplier<List<String>> trustBundle = List::of;
    private volatile String configCause = "config";
    private long version;

    MeshPipeline(XdsServer xds, MeshConfig initial, List<EndpointSource> sources, Duration debounce) {
        this.xds = Objects.requireNonNull(xds, "xds");
        this.config = Objects.requireNonNull(initial, "initial");
        this.sources = List.copyOf(sources);
        this.debounce = debounce;
        this.version = xds.state().version();
        sources.forEach(s -> s.onChange(this::changed));
    }

    /** A new accepted config; {@code cause} says where it came from, for the rollout status. */
    void config(MeshConfig next, String cause) {
        this.configCause = cause;
        this.config = next;
        changed();
    }

    MeshConfig config() {
        return config;
    }

    /** The state {@code candidate} would make, with today's endpoints: for dry runs. */
    MeshState candidate(MeshConfig candidate) {
        return MeshState.of(xds.state().version() + 1, candidate, endpoints(), trustBundle.get());
    }

    /** Where the CA's trust bundle (PEM roots) comes from; call {@link #changed()} when it changes. */
    void trustBundle(java.util.function.Supplier<List<String>> source) {
        this.trustBundle = Objects.requireNonNull(source, "source");
    }

    /** Schedules one rebuild; further calls before it runs are folded into it. */
    void changed() {
        if (scheduled.compareAndSet(false, true)) {
            executor.schedule(this::rebuild, debounce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Rebuilds now and waits for it: at start-up, and after a change applied through the admin API. */
    void rebuildNow() {
        try {
            executor.submit(this::rebuild).get();
        } catch (Exception e) {
            throw new IllegalStateException("rebuild failed", e);
        }
    }

    private Map<String, List<Endpoint>> endpoints() {
        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (EndpointSource s : sources) {
            s.endpoints().forEach((svc, list) -> endpoints.merge(svc, list,
                    (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        }
        return endpoints;
    }

    private void rebuild() {
        scheduled.set(false);
        MeshConfig cfg = config;
        MeshState current = xds.state();
        MeshState next = MeshState.of(version + 1, cfg, endpoints(), trustBundle.get());
        boolean configChanged = !next.config().equals(current.config());
        if (!configChanged && next.endpoints().equals(current.endpoints())
                && next.trustBundlePem().equals(current.trustBundlePem())) {
            return; // nothing changed; keep the version
        }
        version++;
        xds.update(next, configChanged ? configCause : "endpoints");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
