package io.weft.controlplane.xds;

import static io.weft.controlplane.xds.AdsTestClient.ack;
import static io.weft.controlplane.xds.AdsTestClient.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.weft.controlplane.config.MeshConfigLoader;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.proto.MeshNames;
import io.weft.testing.MutableClock;
import io.weft.testing.Poll;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ADS server speaks xDS v3 as the spec says, over real gRPC on loopback: versions and nonces,
 * ACK and NACK, stale nonces, wildcard and named subscriptions, pushes only where something changed,
 * delta add/remove, and the restart warm-up. Each client here is a hand-driven ADS stream.
 */
class XdsProtocolTest {
    private static final String MESH = """
            services:
              users: {versions: [v1]}
              orders: {dependsOn: [users]}
              billing: {}
            virtualHosts:
              - name: users
                routes: [{match: {prefix: /v1/}, to: {service: users, version: v1}}, {to: users}]
            """;
    private static final List<Endpoint> USERS = List.of(
            new Endpoint("users", "127.0.0.2", 15006, Map.of("version", "v1"), "users-1"));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Server server;
    private ManagedChannel channel;
    private XdsServer xds;
    private long version = 1;

    private void start(String yaml, Duration warmUp) throws Exception {
        xds = new XdsServer(state(yaml), new XdsListener() { }, clock, warmUp);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(xds.service()).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    private MeshState state(String yaml) {
        return MeshState.of(version++, MeshConfigLoader.parse(Map.of("mesh.yaml", yaml)), Map.of("users", USERS));
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void ackedResponsesAreNotResentAndVersionsFollowContent() throws Exception {
        start(MESH, Duration.ZERO);
        Node orders = AdsTestClient.sidecar("orders-1", "orders", 15006);
        try (var c = AdsTestClient.sotw(channel)) {
            c.send(request(orders, MeshNames.LISTENER_TYPE, "", ""));
            DiscoveryResponse lds = c.take();
            assertEquals(MeshNames.LISTENER_TYPE, lds.getTypeUrl());
            assertEquals(2, lds.getResourcesCount(), "inbound and outbound listeners");
            assertFalse(lds.getNonce().isEmpty());
            c.send(ack(lds));
            c.send(request(null, MeshNames.ROUTE_TYPE, "", "", MeshNames.OUTBOUND_LISTENER));
            DiscoveryResponse rds = c.take();
            assertEquals(MeshNames.ROUTE_TYPE, rds.getTypeUrl(), "the LDS ACK was not answered with a resend");
            assertNotEquals(lds.getNonce(), rds.getNonce(), "every response has its own nonce");
            c.send(ack(rds, MeshNames.OUTBOUND_LISTENER));
            awaitTrue(() -> acked("orders-1", MeshNames.ROUTE_TYPE).equals(rds.getVersionInfo()));

            // Same content again (a rebuild with equal config): no push, same version.
            xds.update(state(MESH), "test");
            // A real change to users' routes: a new RDS version, with a new nonce.
            xds.update(state(MESH.replace("prefix: /v1/", "prefix: /v2/")), "config");
            DiscoveryResponse changed = c.take();
            assertEquals(MeshNames.ROUTE_TYPE, changed.getTypeUrl());
            assertNotEquals(rds.getVersionInfo(), changed.getVersionInfo());
            assertTrue(changed.getResources(0).unpack(RouteConfiguration.class).toString().contains("/v2/"));
            assertEquals(2, xds.rollouts().size());
            assertEquals(0, xds.rollouts().get(1).proxies(), "the no-op rebuild changed nothing for anyone");
        }
    }

    @Test
    void nackIsRecordedTheProxyKeepsItsVersionAndNothingIsResentUntilTheContentChanges() throws Exception {
        start(MESH, Duration.ZERO);
        Node orders = AdsTestClient.sidecar("orders-1", "orders", 15006);
        try (var c = AdsTestClient.sotw(channel)) {
            c.send(request(orders, MeshNames.ROUTE_TYPE, "", "", MeshNames.OUTBOUND_LISTENER));
            DiscoveryResponse first = c.take();
            c.send(ack(first, MeshNames.OUTBOUND_LISTENER));
            awaitTrue(() -> acked("orders-1", MeshNames.ROUTE_TYPE).equals(first.getVersionInfo()));
            xds.update(state(MESH.replace("prefix: /v1/", "prefix: /v2/")), "config");
            DiscoveryResponse bad = c.take();
            // NACK: the version stays the last accepted one, the error says why.
            c.send(request(null, MeshNames.ROUTE_TYPE, first.getVersionInfo(), bad.getNonce(), MeshNames.OUTBOUND_LISTENER)
                    .toBuilder().setErrorDetail(Status.newBuilder().setCode(3).setMessage("route /v2/: not supported")).build());
            awaitTrue(() -> status("orders-1").types().get(MeshNames.ROUTE_TYPE).lastNack().isPresent());
            ProxyStatus.TypeStatus rds = status("orders-1").types().get(MeshNames.ROUTE_TYPE);
            assertEquals("route /v2/: not supported", rds.lastNack().orElseThrow().error());
            assertEquals(first.getVersionInfo(), rds.ackedVersion(), "the proxy keeps its last good config");
            assertEquals("route /v2/: not supported", xds.rollouts().get(0).nacked().get("orders-1"));
            // The refused resources are not sent again: the next response is the CDS we ask for now.
            c.send(request(null, MeshNames.CLUSTER_TYPE, "", ""));
            assertEquals(MeshNames.CLUSTER_TYPE, c.take().getTypeUrl());
            // A later content change is sent.
            xds.update(state(MESH.replace("prefix: /v1/", "prefix: /v3/")), "config");
            DiscoveryResponse fixed = c.take();
            assertEquals(MeshNames.ROUTE_TYPE, fixed.getTypeUrl());
            assertTrue(fixed.getResources(0).unpack(RouteConfiguration.class).toString().contains("/v3/"));
        }
    }

    @Test
    void staleNoncesAreIgnored() throws Exception {
        start(MESH, Duration.ZERO);
        Node orders = AdsTestClient.sidecar("orders-1", "orders", 15006);
        try (var c = AdsTestClient.sotw(channel)) {
            c.send(request(orders, MeshNames.ROUTE_TYPE, "", "", MeshNames.OUTBOUND_LISTENER));
            DiscoveryResponse first = c.take();
            xds.update(state(MESH.replace("prefix: /v1/", "prefix: /v2/")), "config");
            DiscoveryResponse second = c.take();
            c.send(ack(first, MeshNames.OUTBOUND_LISTENER)); // answers a superseded response
            c.send(request(null, MeshNames.CLUSTER_TYPE, "", ""));
            assertEquals(MeshNames.CLUSTER_TYPE, c.take().getTypeUrl());
            assertEquals("", acked("orders-1", MeshNames.ROUTE_TYPE), "a stale ACK acknowledges nothing");
            c.send(ack(second, MeshNames.OUTBOUND_LISTENER));
            awaitTrue(() -> acked("orders-1", MeshNames.ROUTE_TYPE).equals(second.getVersionInfo()));
        }
    }

    @Test
    void aChangeIsPushedOnlyToTheProxiesWhoseResourcesChangeAndItsConvergenceIsTracked() throws Exception {
        start(MESH, Duration.ZERO);
        try (var orders = AdsTestClient.sotw(channel); var billing = AdsTestClient.sotw(channel)) {
            orders.send(request(AdsTestClient.sidecar("orders-1", "orders", 15006), MeshNames.ROUTE_TYPE, "", "",
                    MeshNames.OUTBOUND_LISTENER));
            orders.send(ack(orders.take(), MeshNames.OUTBOUND_LISTENER));
            billing.send(request(AdsTestClient.sidecar("billing-1", "billing", 15007), MeshNames.ROUTE_TYPE, "", "",
                    MeshNames.OUTBOUND_LISTENER));
            DiscoveryResponse billingFirst = billing.take();
            billing.send(ack(billingFirst, MeshNames.OUTBOUND_LISTENER));
            awaitTrue(() -> !acked("billing-1", MeshNames.ROUTE_TYPE).isEmpty() && !acked("orders-1", MeshNames.ROUTE_TYPE).isEmpty());

            clock.advance(Duration.ofMillis(5));
            xds.update(state(MESH.replace("prefix: /v1/", "prefix: /v2/")), "config: mesh.yaml");
            RolloutStatus pending = xds.rollouts().get(0);
            assertEquals(1, pending.proxies(), "only orders calls users");
            assertEquals(List.of("orders-1"), pending.waiting());
            assertTrue(pending.convergedIn().isEmpty());
            clock.advance(Duration.ofMillis(40));
            orders.send(ack(orders.take(), MeshNames.OUTBOUND_LISTENER));
            awaitTrue(() -> xds.rollouts().get(0).convergedIn().isPresent());
            RolloutStatus done = xds.rollouts().get(0);
            assertEquals(1, done.converged());
            assertEquals(Duration.ofMillis(40), done.convergedIn().orElseThrow());
            assertEquals("config: mesh.yaml", done.cause());
            // billing got nothing: its next response is the one it asks for now.
            billing.send(request(null, MeshNames.CLUSTER_TYPE, "", ""));
            assertEquals(MeshNames.CLUSTER_TYPE, billing.take().getTypeUrl());
        }
    }

    @Test
    void wildcardPlusNamesServesOnDemandResourcesAndUnknownNamesYieldNothing() throws Exception {
        start(MESH, Duration.ZERO);
        try (var c = AdsTestClient.sotw(channel)) {
            // billing declares no dependency; it learns users on demand by naming its cluster.
            c.send(request(AdsTestClient.sidecar("billing-1", "billing", 15007), MeshNames.CLUSTER_TYPE, "", "", "*", "users"));
            DiscoveryResponse cds = c.take();
            List<String> names = cds.getResourcesList().stream().map(a -> unpackName(a)).sorted().toList();
            assertEquals(List.of("inbound|billing", "users"), names);
            c.send(request(null, MeshNames.ENDPOINT_TYPE, "", "", "users@v1", "nope"));
            DiscoveryResponse eds = c.take();
            assertEquals(1, eds.getResourcesCount(), "an unknown name is simply absent");
            assertEquals("127.0.0.2", eds.getResources(0).unpack(ClusterLoadAssignment.class).getEndpoints(0)
                    .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress());
        }
    }

    @Test
    void deltaSendsOnlyChangesAndNamesWhatWasRemoved() throws Exception {
        start(MESH, Duration.ZERO);
        Node orders = AdsTestClient.sidecar("orders-1", "orders", 15006);
        try (var c = AdsTestClient.delta(channel)) {
            c.send(DeltaDiscoveryRequest.newBuilder().setNode(orders).setTypeUrl(MeshNames.CLUSTER_TYPE).build());
            DeltaDiscoveryResponse first = c.take();
            assertEquals(List.of("inbound|orders", "users", "users@v1"),
                    first.getResourcesList().stream().map(Resource::getName).sorted().toList());
            c.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(MeshNames.CLUSTER_TYPE).setResponseNonce(first.getNonce()).build());
            awaitTrue(() -> !acked("orders-1", MeshNames.CLUSTER_TYPE).isEmpty());
            // orders stops depending on users: its clusters go away, named in removed_resources.
            xds.update(state(MESH.replace("orders: {dependsOn: [users]}", "orders: {}")), "config");
            DeltaDiscoveryResponse removed = c.take();
            assertEquals(0, removed.getResourcesCount());
            assertEquals(List.of("users", "users@v1"), removed.getRemovedResourcesList().stream().sorted().toList());
            c.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(MeshNames.CLUSTER_TYPE).setResponseNonce(removed.getNonce()).build());
            awaitTrue(() -> acked("orders-1", MeshNames.CLUSTER_TYPE).equals(removed.getSystemVersionInfo()));
        }
        // A reconnecting delta client announcing what it has is not sent it again.
        try (var c = AdsTestClient.delta(channel)) {
            String have = XdsResource.of("inbound|orders", io.weft.controlplane.translate.TranslatorAccess.inbound(
                    NodeParserAccess.parse(orders))).version();
            c.send(DeltaDiscoveryRequest.newBuilder().setNode(orders).setTypeUrl(MeshNames.CLUSTER_TYPE)
                    .putInitialResourceVersions("inbound|orders", have).build());
            c.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(MeshNames.ROUTE_TYPE)
                    .addResourceNamesSubscribe(MeshNames.OUTBOUND_LISTENER).build());
            assertEquals(MeshNames.ROUTE_TYPE, c.take().getTypeUrl(), "nothing to send for clusters it already has");
        }
    }

    @Test
    void whileWarmingUpAReconnectingProxyKeepsItsEndpointsAndANewOneIsServedAtOnce() throws Exception {
        start(MESH, Duration.ofSeconds(30));
        try (var reconnecting = AdsTestClient.sotw(channel); var fresh = AdsTestClient.sotw(channel)) {
            reconnecting.send(request(AdsTestClient.sidecar("orders-1", "orders", 15006), MeshNames.ENDPOINT_TYPE,
                    "v-before-restart", "", "users"));
            fresh.send(request(AdsTestClient.sidecar("orders-2", "orders", 15008), MeshNames.ENDPOINT_TYPE, "", "", "users"));
            assertEquals(MeshNames.ENDPOINT_TYPE, fresh.take().getTypeUrl(), "a new proxy needs endpoints now");
            reconnecting.send(request(null, MeshNames.CLUSTER_TYPE, "", ""));
            assertEquals(MeshNames.CLUSTER_TYPE, reconnecting.take().getTypeUrl(), "endpoints held back, clusters not");
            assertTrue(xds.endWarmUpIfDue(), "still warming up");
            clock.advance(Duration.ofSeconds(30));
            assertFalse(xds.endWarmUpIfDue());
            DiscoveryResponse eds = reconnecting.take();
            assertEquals(MeshNames.ENDPOINT_TYPE, eds.getTypeUrl(), "sent once the warm-up is over");
        }
    }

    @Test
    void anInconsistentTranslationIsRefusedNamingTheDanglingReference() {
        // Bypasses the loader (which would refuse it) to prove the last line of defence.
        MeshConfig broken = new MeshConfig("weft.local",
                Map.of("orders", ServiceSpec.of("orders", List.of("users")), "users", ServiceSpec.of("users", List.of())),
                Map.of("users", new VirtualHostSpec("users", List.of("users"), List.of(RouteSpec.to("r", "ghost")))),
                List.of());
        ProxyNode node = NodeParserAccess.parse(AdsTestClient.sidecar("orders-1", "orders", 15006));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NodeView.build(node, MeshState.of(1, broken, Map.of())));
        assertEquals("inconsistent resources for node orders-1: missing [route weft.outbound/users/r → cluster ghost]",
                e.getMessage());
    }

    @Test
    void badRequestsEndTheStreamWithAnErrorNamingTheField() throws Exception {
        start(MESH, Duration.ZERO);
        try (var c = AdsTestClient.sotw(channel)) {
            c.send(request(null, MeshNames.LISTENER_TYPE, "", ""));
            awaitTrue(() -> c.error != null);
            assertEquals("INVALID_ARGUMENT: node: missing on the first request (expected: the proxy's node)",
                    c.error.getMessage());
        }
        try (var c = AdsTestClient.sotw(channel)) {
            c.send(request(AdsTestClient.sidecar("orders-1", "orders", 15006), "type.googleapis.com/envoy.Nope", "", ""));
            awaitTrue(() -> c.error != null);
            assertTrue(c.error.getMessage().startsWith("INVALID_ARGUMENT: type_url: \"type.googleapis.com/envoy.Nope\" "
                    + "(expected: one of"), c.error.getMessage());
        }
        try (var c = AdsTestClient.sotw(channel)) {
            Node bad = AdsTestClient.sidecar("orders-1", "orders", 15006).toBuilder()
                    .setMetadata(AdsTestClient.sidecar("o", "orders", 1).getMetadata().toBuilder()
                            .putFields(MeshNames.META_INBOUND_PORT, com.google.protobuf.Value.newBuilder().setNumberValue(70000).build()))
                    .build();
            c.send(request(bad, MeshNames.LISTENER_TYPE, "", ""));
            awaitTrue(() -> c.error != null);
            assertEquals("INVALID_ARGUMENT: node.metadata.weft.inbound_port: 70000.0 (expected: a port from 0 to 65535)",
                    c.error.getMessage());
        }
        assertEquals(List.of(), xds.status(), "refused streams are not counted as proxies");
    }

    private static String unpackName(com.google.protobuf.Any a) {
        try {
            return a.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class).getName();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private ProxyStatus status(String node) {
        return xds.status().stream().filter(s -> s.node().id().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError(node + " not connected"));
    }

    private String acked(String node, String type) {
        ProxyStatus.TypeStatus t = status(node).types().get(type);
        return t == null ? "" : t.ackedVersion();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Poll.await("the condition", Duration.ofSeconds(10), condition);
    }
}
