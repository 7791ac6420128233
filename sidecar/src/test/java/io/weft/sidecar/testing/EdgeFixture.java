package io.weft.sidecar.testing;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.MeshNames;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.filter.FilterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One real edge (the sidecar binary in edge mode) fed by a {@link TestControlPlane} the way the Weft
 * control plane feeds it: the edge listener lists every {@code weft.edge.*} filter, disabled, and each
 * route turns on the ones it configures in {@code typed_per_filter_config}. Tests send real HTTP to it.
 */
public final class EdgeFixture implements AutoCloseable {
    private static final Map<Class<?>, String> NAMES = EdgeFilterNames.ORDER.stream()
            .collect(java.util.stream.Collectors.toMap(n -> EdgeFilterNames.defaultConfig(n).getClass(), n -> n));
    private static final Set<String> UNROUTED = Set.of("NCF", "NR", "NC", "UH");

    public final TestControlPlane xds;
    public final Sidecar edge;
    private final Map<String, int[]> clusters = new LinkedHashMap<>();
    private final Set<String> http2 = new java.util.HashSet<>();
    private final boolean ownsControlPlane;

    private EdgeFixture(TestControlPlane xds, boolean ownsControlPlane, String nodeId, Clock clock, FilterRegistry filters,
                        java.util.Optional<io.weft.sidecar.bootstrap.EdgeTls> tls) {
        this.xds = xds;
        this.ownsControlPlane = ownsControlPlane;
        Bootstrap b = new Bootstrap(Bootstrap.Mode.EDGE, nodeId, "edge", "default", xds.address(), "127.0.0.1", 0, 0, 0, 0, 0,
                Map.of());
        this.edge = Sidecar.start(tls.map(b::withEdgeTls).orElse(b), filters, clock);
    }

    /** An edge terminating TLS on its port. */
    public static EdgeFixture start(io.weft.sidecar.bootstrap.EdgeTls tls) throws IOException {
        return new EdgeFixture(new TestControlPlane(), true, "edge-1", Clock.systemUTC(), FilterRegistry.builtIn(),
                java.util.Optional.of(tls));
    }

    public static EdgeFixture start(Clock clock) throws IOException {
        return start(clock, FilterRegistry.builtIn());
    }

    public static EdgeFixture start(Clock clock, FilterRegistry filters) throws IOException {
        return new EdgeFixture(new TestControlPlane(), true, "edge-1", clock, filters, java.util.Optional.empty());
    }

    /** A second edge on the same control plane (shared-state tests); closing it leaves the control plane running. */
    public EdgeFixture another(String nodeId) {
        return new EdgeFixture(xds, false, nodeId, Clock.systemUTC(), FilterRegistry.builtIn(), java.util.Optional.empty());
    }

    /** The edge's listener as the control plane builds it, plus any extra filters after the edge's own. */
    public static io.envoyproxy.envoy.config.listener.v3.Listener listener(HttpFilter... extra) {
        List<HttpFilter> filters = new ArrayList<>();
        for (String name : EdgeFilterNames.ORDER) {
            filters.add(Xds.filter(name, EdgeFilterNames.defaultConfig(name)).toBuilder().setDisabled(true).build());
        }
        filters.addAll(List.of(extra));
        return Xds.listener(MeshNames.EDGE_LISTENER, MeshNames.EDGE_LISTENER, filters.toArray(HttpFilter[]::new));
    }

    /** A prefix route to {@code cluster} with edge filter configs, matching case-insensitively as edge routes do. */
    public static Route.Builder route(String name, String prefix, String cluster, Message... configs) {
        Route.Builder r = Xds.route(name, prefix, cluster);
        r.getMatchBuilder().setCaseSensitive(BoolValue.of(false));
        for (Message c : configs) {
            String filter = NAMES.get(c.getClass());
            if (filter == null) {
                throw new IllegalArgumentException("config " + c.getClass().getName() + " (expected: a weft.v1 edge filter config)");
            }
            r.putTypedPerFilterConfig(filter, Any.pack(c));
        }
        return r;
    }

    /** Adds (or replaces) an HTTP/2 cluster (gRPC upstreams) with endpoints on these loopback ports. */
    public EdgeFixture http2Cluster(String name, int... ports) {
        http2.add(name);
        return cluster(name, ports);
    }

    /** Adds (or replaces) a cluster with endpoints on these loopback ports. */
    public EdgeFixture cluster(String name, int... ports) {
        clusters.put(name, ports);
        List<Message> out = new ArrayList<>();
        clusters.forEach((n, p) -> {
            var c = Xds.edsCluster(n);
            if (http2.contains(n)) {
                c.setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance());
            }
            out.add(c.build());
            out.add(Xds.endpoints(n, p));
        });
        xds.set(out.toArray(Message[]::new));
        return this;
    }

    /** Sets the edge's listener and its routes (one virtual host for every domain). */
    public EdgeFixture routes(Route.Builder... routes) {
        xds.set(listener(), Xds.routes(MeshNames.EDGE_LISTENER,
                Xds.host("public", "*", java.util.Arrays.stream(routes).map(Route.Builder::build).toArray(Route[]::new))));
        return this;
    }

    /** Waits until a GET to {@code path} is routed to an endpoint. */
    public EdgeFixture awaitRouted(String path) throws Exception {
        RawHttp.Response r = ProxyFixture.await(() -> get(path), x -> !UNROUTED.contains(x.flags()));
        if (UNROUTED.contains(r.flags())) {
            throw new IllegalStateException("edge did not route " + path + " within 10s: " + r);
        }
        return this;
    }

    public int port() {
        return edge.edgePort();
    }

    public RawHttp.Response get(String path, String... headers) throws IOException {
        return send("GET", path, null, headers);
    }

    /** Sends one request ({@code body} null for none) with {@code name, value} header pairs. */
    public RawHttp.Response send(String method, String path, String body, String... headers) throws IOException {
        return sendFrom("127.0.0.1", method, path, body, headers);
    }

    /** As {@link #send}, from a chosen loopback source address, so the edge sees another client IP. */
    public RawHttp.Response sendFrom(String fromIp, String method, String path, String body, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: edge.test\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            sb.append("Content-Length: ").append(b.length).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return RawHttp.exchange(fromIp, port(), all);
    }

    @Override
    public void close() {
        edge.close();
        if (ownsControlPlane) {
            xds.close();
        }
    }
}
