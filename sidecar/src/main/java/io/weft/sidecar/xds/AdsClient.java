package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.weft.proto.MeshNames;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotCompiler;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sidecar's ADS client (state of the world). Subscribes to all its listeners and clusters, then
 * to the routes and endpoints they name; validates every response, ACKs what it accepts and NACKs
 * what it cannot honour (keeping the last good config); and whenever the accepted set is complete
 * and consistent, compiles a new {@link ConfigSnapshot} and swaps it in.
 *
 * <p>If the stream breaks (control plane restarting), the proxy keeps serving its last snapshot and
 * reconnects with exponential backoff and jitter, announcing the versions it already has.
 */
public final class AdsClient implements AutoCloseable {
    private static final Logger LOG = System.getLogger(AdsClient.class.getName());
    private static final Duration BACKOFF_BASE = Duration.ofMillis(200);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(10);
    private static final int MAX_ON_DEMAND = 256;

    private final ManagedChannel channel;
    private final Node node;
    private final SnapshotCompiler compiler;
    private final ResourceParser parser;
    private final XdsUpdateListener listener;
    private final Optional<java.util.function.Consumer<List<java.security.cert.X509Certificate>>> trustBundle;
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-ads-reconnect").factory());

    // Accepted state, guarded by lock.
    private final Map<String, ListenerSpec> listeners = new LinkedHashMap<>();
    private final Map<String, RouteConfigSpec> routes = new LinkedHashMap<>();
    private final Map<String, ClusterSpec> clusters = new LinkedHashMap<>();
    private final Map<String, EndpointsSpec> endpoints = new LinkedHashMap<>();
    private final Map<String, String> versions = new HashMap<>();
    private final Map<String, String> nonces = new HashMap<>();
    private final Map<String, Set<String>> subscribed = new HashMap<>();
    private final Set<String> onDemand = new TreeSet<>();
    private volatile Optional<String> lastError = Optional.empty();
    private ClientCallStreamObserver<DiscoveryRequest> requests;
    private int failures;
    private boolean closed;

    public AdsClient(ManagedChannel channel, Node node, SnapshotCompiler compiler, XdsUpdateListener listener) {
        this(channel, node, compiler, listener, Optional.empty());
    }

    /**
     * @param trustBundle when present, subscribes to the {@value MeshNames#ROOT_CA_SECRET} SDS secret and
     *                    hands every accepted trust bundle to it (on the stream's thread; must not block)
     */
    public AdsClient(ManagedChannel channel, Node node, SnapshotCompiler compiler, XdsUpdateListener listener,
                     Optional<java.util.function.Consumer<List<java.security.cert.X509Certificate>>> trustBundle) {
        this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.node = Objects.requireNonNull(node, "node");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.parser = new ResourceParser(compiler.filters());
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public void start() {
        connect();
    }

    /** The last NACK reason or stream error, for the admin page. */
    public Optional<String> lastError() {
        return lastError;
    }

    private void connect() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            nonces.clear();
            requests = (ClientCallStreamObserver<DiscoveryRequest>) AggregatedDiscoveryServiceGrpc.newStub(channel)
                    .streamAggregatedResources(new Observer());
            // Wildcard subscriptions first; RDS/EDS names follow from what is already accepted.
            send(MeshNames.LISTENER_TYPE, Set.of(), true);
            send(MeshNames.CLUSTER_TYPE, clusterNames(), false);
            if (!listeners.isEmpty() || !onDemand.isEmpty()) {
                send(MeshNames.ROUTE_TYPE, routeNames(), false);
            }
            if (!clusters.isEmpty()) {
                send(MeshNames.ENDPOINT_TYPE, edsNames(), false);
            }
            if (trustBundle.isPresent()) {
                send(MeshNames.SECRET_TYPE, Set.of(MeshNames.ROOT_CA_SECRET), false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends a request for a type: an ACK of the latest nonce with the given subscription. Caller holds the lock. */
    private void send(String type, Set<String> names, boolean withNode) {
        subscribed.put(type, names);
        DiscoveryRequest.Builder req = DiscoveryRequest.newBuilder()
                .setTypeUrl(type)
                .setVersionInfo(versions.getOrDefault(type, ""))
                .setResponseNonce(nonces.getOrDefault(type, ""))
                .addAllResourceNames(names);
        if (withNode || nonces.isEmpty()) {
            req.setNode(node);
        }
        requests.onNext(req.build());
    }

    private void nack(String type, String nonce, String error) {
        DiscoveryRequest req = DiscoveryRequest.newBuilder()
                .setTypeUrl(type)
                .setVersionInfo(versions.getOrDefault(type, ""))
                .setResponseNonce(nonce)
                .addAllResourceNames(subscribed.getOrDefault(type, Set.of()))
                .setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(error))
                .build();
        requests.onNext(req);
    }

    private void onResponse(DiscoveryResponse resp) {
        lock.lock();
        try {
            failures = 0;
            String type = resp.getTypeUrl();
            nonces.put(type, resp.getNonce());
            try {
                apply(type, resp.getResourcesList());
            } catch (InvalidResourceException e) {
                lastError = Optional.of(e.getMessage());
                LOG.log(Level.WARNING, "NACK " + type + " version " + resp.getVersionInfo() + ": " + e.getMessage());
                listener.rejected(type, resp.getVersionInfo(), e.getMessage());
                nack(type, resp.getNonce(), e.getMessage());
                return;
            }
            versions.put(type, resp.getVersionInfo());
            listener.accepted(type, resp.getVersionInfo());
            send(type, subscribed.getOrDefault(type, Set.of()), false); // ACK
            if (type.equals(MeshNames.LISTENER_TYPE) && !routeNames().equals(subscribed.get(MeshNames.ROUTE_TYPE))) {
                routes.keySet().retainAll(routeNames());
                send(MeshNames.ROUTE_TYPE, routeNames(), false);
            }
            if (type.equals(MeshNames.ROUTE_TYPE) && !clusterNames().equals(subscribed.get(MeshNames.CLUSTER_TYPE))) {
                send(MeshNames.CLUSTER_TYPE, clusterNames(), false); // clusters an on-demand route needs
            }
            if (type.equals(MeshNames.CLUSTER_TYPE) && !edsNames().equals(subscribed.get(MeshNames.ENDPOINT_TYPE))) {
                endpoints.keySet().retainAll(edsNames());
                send(MeshNames.ENDPOINT_TYPE, edsNames(), false);
            }
            rebuild();
        } finally {
            lock.unlock();
        }
    }

    /** Parses every resource first; applies none if any is invalid. */
    private void apply(String type, List<Any> resources) throws InvalidResourceException {
        switch (type) {
            case MeshNames.LISTENER_TYPE -> {
                Map<String, ListenerSpec> next = new LinkedHashMap<>();
                for (Any a : resources) {
                    ListenerSpec l = parser.listener(a);
                    next.put(l.name(), l);
                }
                listeners.clear();
                listeners.putAll(next);
            }
            case MeshNames.ROUTE_TYPE -> {
                Map<String, RouteConfigSpec> next = new LinkedHashMap<>();
                for (Any a : resources) {
                    RouteConfigSpec r = parser.routeConfig(a);
                    next.put(r.name(), r);
                }
                routes.clear();
                routes.putAll(next);
            }
            case MeshNames.CLUSTER_TYPE -> {
                Map<String, ClusterSpec> next = new LinkedHashMap<>();
                for (Any a : resources) {
                    ClusterSpec c = parser.cluster(a);
                    next.put(c.name(), c);
                }
                clusters.clear();
                clusters.putAll(next);
            }
            case MeshNames.ENDPOINT_TYPE -> {
                Map<String, EndpointsSpec> next = new LinkedHashMap<>();
                for (Any a : resources) {
                    EndpointsSpec e = parser.endpoints(a);
                    next.put(e.clusterName(), e);
                }
                endpoints.clear();
                endpoints.putAll(next);
            }
            case MeshNames.SECRET_TYPE -> {
                for (Any a : resources) {
                    var secret = ResourceParser.secret(a);
                    if (secret.getName().equals(MeshNames.ROOT_CA_SECRET) && trustBundle.isPresent()) {
                        trustBundle.get().accept(SecurityParser.trustBundle(secret));
                    }
                }
            }
            default -> throw new InvalidResourceException("type_url " + type + " (expected: LDS, RDS, CDS, EDS or SDS)");
        }
    }

    private void rebuild() {
        ConfigSnapshot.Sources src = new ConfigSnapshot.Sources(Map.copyOf(listeners), Map.copyOf(routes),
                Map.copyOf(clusters), Map.copyOf(endpoints));
        compiler.offer(src, versions);
    }

    private Set<String> routeNames() {
        Set<String> out = new TreeSet<>(onDemand);
        listeners.values().forEach(l -> out.add(l.routeConfigName()));
        return out;
    }

    /**
     * The CDS subscription: the wildcard (this proxy's own clusters), plus by name the clusters that
     * on-demand routes send to, which the wildcard does not cover.
     */
    private Set<String> clusterNames() {
        if (onDemand.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        out.add("*");
        for (String r : onDemand) {
            RouteConfigSpec rc = routes.get(r);
            if (rc != null) {
                out.addAll(io.weft.sidecar.route.RouteTable.clustersOf(rc));
            }
        }
        return out;
    }

    /**
     * Asks the control plane for the route configuration named {@code name} (a service this proxy was
     * not told about), and then for the clusters and endpoints it needs. Its virtual hosts join the
     * outbound listener's when they arrive. Idempotent; at most {@value #MAX_ON_DEMAND} names.
     *
     * @return false when the limit of on-demand names is reached
     */
    public boolean subscribeRoute(String name) {
        lock.lock();
        try {
            if (onDemand.contains(name)) {
                return true;
            }
            if (onDemand.size() >= MAX_ON_DEMAND) {
                return false;
            }
            onDemand.add(name);
            if (requests != null) {
                send(MeshNames.ROUTE_TYPE, routeNames(), false);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private Set<String> edsNames() {
        Set<String> out = new TreeSet<>();
        clusters.values().forEach(c -> c.edsName().ifPresent(out::add));
        return out;
    }

    private void onStreamEnd(Throwable t) {
        lock.lock();
        long delay;
        try {
            if (closed) {
                return;
            }
            failures++;
            long cap = Math.min(BACKOFF_MAX.toMillis(), BACKOFF_BASE.toMillis() << Math.min(failures - 1, 10));
            delay = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1); // jitter: half to full
            String why = t == null ? "stream closed by the control plane" : t.getMessage();
            lastError = Optional.of("control plane unreachable: " + why);
            LOG.log(Level.INFO, "ADS stream ended (" + why + "); keeping the last config, reconnecting in " + delay + " ms");
        } finally {
            lock.unlock();
        }
        listener.disconnected(t);
        timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private final class Observer implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
        }

        @Override
        public void onNext(DiscoveryResponse value) {
            onResponse(value);
        }

        @Override
        public void onError(Throwable t) {
            onStreamEnd(t);
        }

        @Override
        public void onCompleted() {
            onStreamEnd(null);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (requests != null) {
                requests.cancel("sidecar shutting down", null);
            }
        } finally {
            lock.unlock();
        }
        timer.shutdownNow();
    }
}
