package io.weft.sidecar.testing;

import com.google.protobuf.Message;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.testing.Poll;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One real sidecar fed by a {@link TestControlPlane} over gRPC on loopback. Tests set Envoy
 * resources, wait until the sidecar has them, and send real requests to its ports.
 */
public final class ProxyFixture implements AutoCloseable {
    public final TestControlPlane xds;
    public final Sidecar sidecar;

    private ProxyFixture(int appPort, FilterRegistry filters, Map<String, String> labels,
                         java.util.function.UnaryOperator<Bootstrap> adjust) throws IOException {
        this.xds = new TestControlPlane();
        this.sidecar = Sidecar.start(adjust.apply(new Bootstrap(Bootstrap.Mode.SIDECAR, "test-1", "test", "default", xds.address(),
                "127.0.0.1", 0, 0, appPort, 0, 0, labels)), filters, Clock.systemUTC());
    }

    private ProxyFixture(int appPort, FilterRegistry filters, Map<String, String> labels) throws IOException {
        this(appPort, filters, labels, b -> b);
    }

    /** A sidecar whose bootstrap is adjusted first (limits, timings). */
    public static ProxyFixture with(java.util.function.UnaryOperator<Bootstrap> adjust) throws IOException {
        return new ProxyFixture(1, FilterRegistry.builtIn(), Map.of(), adjust);
    }

    public static ProxyFixture start() throws IOException {
        return new ProxyFixture(1, FilterRegistry.builtIn(), Map.of());
    }

    /** One route {@code route} on host {@code host} and the cluster, with its endpoints on loopback ports. */
    public ProxyFixture service(String host, io.envoyproxy.envoy.config.route.v3.Route route,
                                io.envoyproxy.envoy.config.cluster.v3.Cluster cluster, int... ports) {
        return set(Xds.outbound(), Xds.routes(io.weft.proto.MeshNames.OUTBOUND_LISTENER, Xds.host(host, host, route)),
                cluster, Xds.endpoints(cluster.getName(), ports));
    }

    public static ProxyFixture start(int appPort, FilterRegistry filters) throws IOException {
        return new ProxyFixture(appPort, filters, Map.of());
    }

    /** A sidecar announcing these labels (e.g. {@code zone}). */
    public static ProxyFixture withLabels(Map<String, String> labels) throws IOException {
        return new ProxyFixture(1, FilterRegistry.builtIn(), labels);
    }

    /** Sets resources on the control plane (replacing those of the same types). */
    public ProxyFixture set(Message... resources) {
        xds.set(resources);
        return this;
    }

    /** A JDK HTTP/1.1 client that uses the sidecar's outbound port as its HTTP proxy, as an app with http_proxy set. */
    public java.net.http.HttpClient proxyClient() {
        return java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", sidecar.outboundPort())))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sets one EDS cluster {@code name} with the given backends' ports, and a host {@code name} routing everything to it. */
    public ProxyFixture simpleService(String name, int... ports) {
        return set(Xds.outbound(),
                Xds.routes(io.weft.proto.MeshNames.OUTBOUND_LISTENER, Xds.host(name, name, Xds.route("all", "/", name).build())),
                Xds.edsCluster(name).build(), Xds.endpoints(name, ports));
    }

    /** Waits until a GET to {@code host} is routed to an endpoint (not refused for lack of config, route or endpoints). */
    public ProxyFixture awaitRouted(String host) throws Exception {
        java.util.Set<String> unrouted = java.util.Set.of("NCF", "NR", "NC", "UH");
        RawHttp.Response r = await(host, "/", x -> !unrouted.contains(x.flags()));
        if (unrouted.contains(r.flags())) {
            throw new IllegalStateException("sidecar did not route " + host + " within 10s: " + r);
        }
        return this;
    }

    /** GET through the outbound port with {@code Host: host}. */
    public RawHttp.Response get(String host, String path, String... headers) throws IOException {
        return RawHttp.get(sidecar.outboundPort(), host, path, headers);
    }

    /** Repeats {@code get} until {@code done} holds or 10 s pass; returns the last response. */
    public RawHttp.Response await(String host, String path, Predicate<RawHttp.Response> done) throws Exception {
        return await(() -> get(host, path), done);
    }

    /** Polls {@code call} until {@code done} holds or 10 s pass; returns the last value. */
    public static <T> T await(Poll.Check<T, ?> call, Predicate<T> done) throws Exception {
        return Poll.until(Duration.ofSeconds(10), call, done);
    }

    @Override
    public void close() {
        sidecar.close();
        xds.close();
    }
}
