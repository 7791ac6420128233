package io.weft.controlplane.ca;

import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshState;
import io.weft.proto.identity.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plaintext callers the sidecars have reported, per destination service, kept for a window. Answers
 * the migration question: "which callers would break if this service (or the mesh) went STRICT now?"
 * Thread-safe.
 */
public final class PlaintextCallers {
    /**
     * One caller seen in plaintext.
     *
     * @param destination    the service it called
     * @param sourceAddress  its IP
     * @param sourceServices mesh services registered at that IP (empty: not a mesh workload)
     * @param connections    plaintext connections seen in the window
     * @param lastSeen       the latest one
     */
    public record Caller(String destination, String sourceAddress, List<String> sourceServices, long connections,
                         Instant lastSeen) {
    }

    private record Key(String destination, String address) {
    }

    private record Seen(long connections, Instant lastSeen) {
    }

    private final Map<Key, Seen> seen = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration window;

    public PlaintextCallers(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
    }

    public Duration window() {
        return window;
    }

    /** Records what the sidecar of {@code destination} reported. */
    public void report(SpiffeId destination, String sourceAddress, long connections, Instant lastSeen) {
        Instant at = lastSeen.isAfter(clock.instant()) ? clock.instant() : lastSeen; // a sidecar's clock may run ahead
        seen.merge(new Key(destination.service(), sourceAddress), new Seen(connections, at),
                (a, b) -> new Seen(a.connections() + b.connections(), a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
    }

    /**
     * Callers that would be refused if {@code service} (empty: every service) went STRICT now: the
     * plaintext callers seen within the window, most recent first.
     */
    public List<Caller> wouldBreak(Optional<String> service, MeshState state) {
        Instant since = clock.instant().minus(window);
        seen.entrySet().removeIf(e -> e.getValue().lastSeen().isBefore(since));
        List<Caller> out = new ArrayList<>();
        seen.forEach((k, v) -> {
            if (service.isEmpty() || service.get().equals(k.destination())) {
                out.add(new Caller(k.destination(), k.address(), servicesAt(k.address(), state), v.connections(), v.lastSeen()));
            }
        });
        out.sort(Comparator.comparing(Caller::lastSeen).reversed().thenComparing(Caller::destination));
        return out;
    }

    private static List<String> servicesAt(String address, MeshState state) {
        TreeSet<String> out = new TreeSet<>();
        for (List<Endpoint> eps : state.endpoints().values()) {
            for (Endpoint e : eps) {
                if (e.address().equals(address)) {
                    out.add(e.service());
                }
            }
        }
        return List.copyOf(out);
    }
}
