package io.weft.controlplane.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain grpc-java client with {@code io.grpc:grpc-xds} and a standard bootstrap calls a mesh service
 * as {@code xds:///greeter}: listener, routes, clusters and endpoints all come from Weft's control
 * plane over real gRPC, and calls are balanced across the service's endpoints.
 */
class ProxylessGrpcTest {
    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("weft.test.Greeter/Who")
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    @TempDir
    Path tmp;

    private static Server backend(String name) throws IOException {
        ServerServiceDefinition svc = ServerServiceDefinition.builder("weft.test.Greeter")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
                    out.onNext(name);
                    out.onCompleted();
                }))
                .build();
        return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(svc).build().start();
    }

    private static String mesh(int a, int b, String route) {
        return """
                services:
                  greeter:
                    protocol: grpc
                    versions: [v1, v2]
                    endpoints:
                      - {address: 127.0.0.1, port: %d, labels: {version: v1}}
                      - {address: 127.0.0.1, port: %d, labels: {version: v2}}
                virtualHosts:
                  - name: greeter
                    routes: [%s]
                """.formatted(a, b, route);
    }

    @Test
    void plainGrpcJavaClientIsBalancedAcrossEndpointsAndFollowsRouteChanges() throws Exception {
        Server a = backend("a");
        Server b = backend("b");
        Path dir = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(dir.resolve("mesh.yaml"), mesh(a.getPort(), b.getPort(), "{timeout: 5s, to: greeter}"));
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0))) {
            // The standard bootstrap a proxyless client needs: the control plane's address, channel
            // credentials and a node. (Given inline here; a file named by GRPC_XDS_BOOTSTRAP works the same.)
            System.setProperty("io.grpc.xds.bootstrapConfig", """
                    {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                                      "server_features": ["xds_v3"]}],
                     "node": {"id": "proxyless-test", "cluster": "tests", "locality": {"zone": "a"}}}
                    """.formatted(cp.xdsPort()));
            ManagedChannel channel = Grpc.newChannelBuilder("xds:///greeter", InsecureChannelCredentials.create()).build();
            try {
                Map<String, Integer> seen = new HashMap<>();
                for (int i = 0; i < 20; i++) {
                    String who = ClientCalls.blockingUnaryCall(channel, WHO,
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "hi");
                    seen.merge(who, 1, Integer::sum);
                }
                assertEquals(2, seen.size(), "both endpoints served calls: " + seen);
                assertTrue(seen.get("a") >= 5 && seen.get("b") >= 5, "balanced: " + seen);

                // A route change (everything to v2) reaches the client without a restart.
                Files.writeString(dir.resolve("mesh.yaml"), mesh(a.getPort(), b.getPort(),
                        "{to: {service: greeter, version: v2}}"));
                cp.reloadConfig();
                Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                int consecutiveB = 0;
                while (consecutiveB < 10 && Instant.now().isBefore(deadline)) {
                    String who = ClientCalls.blockingUnaryCall(channel, WHO,
                            CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi");
                    consecutiveB = who.equals("b") ? consecutiveB + 1 : 0;
                }
                assertEquals(10, consecutiveB, "after the change every call goes to version v2");
                // The control plane saw the client's ACKs, per type, as a proxyless node.
                var status = cp.xds().status().stream().filter(s -> s.node().id().equals("proxyless-test")).findFirst()
                        .orElseThrow();
                assertEquals(4, status.types().size(), status.types().toString());
                status.types().values().forEach(t -> assertTrue(t.lastNack().isEmpty(), "no NACK: " + t));
            } finally {
                channel.shutdownNow();
                System.clearProperty("io.grpc.xds.bootstrapConfig");
            }
        } finally {
            a.shutdownNow();
            b.shutdownNow();
        }
    }
}
