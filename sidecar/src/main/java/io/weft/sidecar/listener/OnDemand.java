package io.weft.sidecar.listener;

import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotHolder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * On-demand discovery for the outbound listener: a request for a host the proxy has no virtual host
 * for asks the control plane for the route configuration named after it (and, through the xDS
 * client, its clusters and endpoints), waits a bounded time for it to arrive, and lets the request
 * be routed with it. A host that did not resolve within the wait is answered at once afterwards
 * (no wait per request); should the control plane learn it later, it arrives on the same subscription.
 * Thread-safe.
 */
public final class OnDemand {
    /** Subscribes to a route configuration by name; false when no more can be added. */
    @FunctionalInterface
    public interface Subscriber {
        boolean subscribe(String routeConfigName);
    }

    private final Subscriber subscriber;
    private final SnapshotHolder snapshots;
    private final String listener;
    private final Duration wait;
    private final Map<String, Long> tried = new ConcurrentHashMap<>();

    public OnDemand(Subscriber subscriber, SnapshotHolder snapshots, String listener, Duration wait) {
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /**
     * A snapshot in which {@code authority} has a virtual host on this listener, fetched on demand;
     * empty when the name is not a plausible service, the control plane does not know it, or it did
     * not arrive within the wait.
     */
    public Optional<ConfigSnapshot> resolve(String authority) {
        String host = authority;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        String service = host.toLowerCase(Locale.ROOT);
        if (!service.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
            return Optional.empty();
        }
        Predicate<ConfigSnapshot> known = s -> s.listener(listener).flatMap(t -> t.host(authority)).isPresent();
        Long since = tried.putIfAbsent(service, System.nanoTime());
        if (since != null && System.nanoTime() - since > wait.toNanos()) {
            return snapshots.current().filter(known); // tried before and it did not come: do not wait again
        }
        if (!subscriber.subscribe(service)) {
            return Optional.empty();
        }
        try {
            return snapshots.await(known, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
