package io.weft.sidecar.filter;

import java.time.Clock;
import java.util.Objects;

/**
 * What a factory may use when it makes a filter for one route.
 *
 * @param clock    the proxy's clock; filters read time through it so tests can control time
 * @param shared   state that outlives snapshots (token buckets, caches, exporters), keyed by name
 * @param nodeId   this proxy's node id
 * @param service  the service this proxy fronts (or the edge's name)
 * @param listener the listener the route belongs to ({@code weft.inbound}, {@code weft.outbound}, {@code weft.edge})
 * @param route    the route's name (may be empty when the control plane did not name it)
 */
public record FilterContext(Clock clock, SharedResources shared, String nodeId, String service, String listener,
                            String route) {
    public FilterContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(route, "route");
    }

    /** The same context for another listener and route. */
    public FilterContext forRoute(String listenerName, String routeName) {
        return new FilterContext(clock, shared, nodeId, service, listenerName, routeName);
    }
}
