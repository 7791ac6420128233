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

/**
 * Joins the latest config and every endpoint source into one {@link MeshState} and hands it to the
 * xDS server. Changes are debounced: a burst of registrations (a deployment, a control-plane
 * restart) becomes one rebuild and one push, not thousands.
 */
final class MeshPipeline implements AutoCloseable {
    private final XdsServer xds;
    private final List<EndpointSource> sources;
    private final Duration debounce;
    private volatile java.util.function.Supplier<List<String>> trustBundle = List::of;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-rebuild").factory());
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile MeshConfig config;
    private long version;

    MeshPipeline(XdsServer xds, MeshConfig initial, List<EndpointSource> sources, Duration debounce) {
        this.xds = Objects.requireNonNull(xds, "xds");
        this.config = Objects.requireNonNull(initial, "initial");
        this.sources = List.copyOf(sources);
        this.debounce = debounce;
        this.version = xds.state().version();
        sources.forEach(s -> s.onChange(this::changed));
    }

    void config(MeshConfig next) {
        this.config = next;
        changed();
    }

    /** Where the CA's trust bundle comes from; a change calls {@link #changed()}. */
    void trustBundle(java.util.function.Supplier<List<String>> source) {
        this.trustBundle = Objects.requireNonNull(source, "source");
    }

    MeshConfig config() {
        return config;
    }

    /** Schedules one rebuild; further calls before it runs are folded into it. */
    void changed() {
        if (scheduled.compareAndSet(false, true)) {
            executor.schedule(this::rebuild, debounce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Rebuilds now, on the caller's thread, for start-up. */
    void rebuildNow() {
        try {
            executor.submit(this::rebuild).get();
        } catch (Exception e) {
            throw new IllegalStateException("rebuild failed", e);
        }
    }

    private void rebuild() {
        scheduled.set(false);
        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (EndpointSource s : sources) {
            s.endpoints().forEach((svc, list) -> endpoints.merge(svc, list,
                    (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        }
        MeshState current = xds.state();
        MeshState next = MeshState.of(version + 1, config, endpoints, trustBundle.get());
        if (next.config().equals(current.config()) && next.endpoints().equals(current.endpoints())
                && next.trustBundlePem().equals(current.trustBundlePem())) {
            return; // nothing changed; keep the version
        }
        version++;
        xds.update(next);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
