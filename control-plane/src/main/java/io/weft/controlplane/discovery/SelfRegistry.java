package io.weft.controlplane.discovery;

import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.xds.XdsListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The default discovery: every sidecar that opens an ADS stream becomes an endpoint of its service
 * (its address and inbound port, from its node metadata), and is removed a grace period after its
 * stream ends, unless it reconnects first (a control-plane restart or a network blip must not
 * empty a cluster).
 */
public final class SelfRegistry implements EndpointSource, XdsListener {
    private final Duration grace;
    private final Map<String, Endpoint> byNode = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> pendingRemoval = new ConcurrentHashMap<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-registry").factory());
    private final Map<String, Integer> streamsByNode = new ConcurrentHashMap<>();

    public SelfRegistry(Duration grace) {
        this.grace = Objects.requireNonNull(grace, "grace");
    }

    @Override
    public void connected(ProxyNode node) {
        if (node.mode() != ProxyNode.Mode.SIDECAR || node.inboundPort() == 0) {
            return;
        }
        streamsByNode.merge(node.id(), 1, Integer::sum);
        ScheduledFuture<?> pending = pendingRemoval.remove(node.id());
        if (pending != null) {
            pending.cancel(false);
        }
        Endpoint e = new Endpoint(node.service(), node.address(), node.inboundPort(), node.labels(), node.id());
        if (!e.equals(byNode.put(node.id(), e))) {
            fire();
        }
    }

    @Override
    public void disconnected(ProxyNode node) {
        if (node.mode() != ProxyNode.Mode.SIDECAR || node.inboundPort() == 0) {
            return;
        }
        Integer left = streamsByNode.computeIfPresent(node.id(), (k, n) -> n > 1 ? n - 1 : null);
        if (left != null) {
            return; // another stream of the same node is still open
        }
        pendingRemoval.put(node.id(), timer.schedule(() -> {
            pendingRemoval.remove(node.id());
            if (!streamsByNode.containsKey(node.id()) && byNode.remove(node.id()) != null) {
                fire();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public Map<String, List<Endpoint>> endpoints() {
        Map<String, List<Endpoint>> out = new HashMap<>();
        for (Endpoint e : byNode.values()) {
            out.computeIfAbsent(e.service(), s -> new ArrayList<>()).add(e);
        }
        return out;
    }

    @Override
    public void onChange(Runnable callback) {
        callbacks.add(callback);
    }

    private void fire() {
        callbacks.forEach(Runnable::run);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
