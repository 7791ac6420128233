package io.weft.controlplane.discovery;

import static io.weft.controlplane.xds.AdsTestClient.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.xds.AdsTestClient;
import io.weft.proto.MeshNames;
import io.weft.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sidecars register over their ADS stream and leave a grace period after it ends, unless they come back. */
class SelfRegistryTest {
    @TempDir
    Path tmp;

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Poll.await(what, Duration.ofSeconds(15), done);
    }

    @Test
    void aSidecarIsAnEndpointWhileConnectedAndLeavesAfterTheGracePeriod() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(dir.resolve("mesh.yaml"), "services: {users: {}, orders: {dependsOn: [users]}}\n");
        ControlPlaneOptions options = new ControlPlaneOptions(Optional.of(dir), "127.0.0.1", 0, 0, Duration.ofMillis(300),
                Duration.ofMillis(10), Duration.ZERO, Optional.empty());
        try (ControlPlane cp = ControlPlane.start(options)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
            try {
                var users = AdsTestClient.sotw(ch);
                users.send(request(AdsTestClient.sidecar("users-1", "users", 15006), MeshNames.LISTENER_TYPE, "", ""));
                users.take();
                await("registered", () -> cp.xds().state().endpoints("users").size() == 1);
                assertEquals("127.0.0.1", cp.xds().state().endpoints("users").get(0).address());
                assertEquals(15006, cp.xds().state().endpoints("users").get(0).port());

                // A blip: the stream ends and the sidecar is back within the grace period; it never left.
                users.close();
                var again = AdsTestClient.sotw(ch);
                again.send(request(AdsTestClient.sidecar("users-1", "users", 15006), MeshNames.LISTENER_TYPE, "", ""));
                again.take();
                long version = cp.xds().state().version();
                await("the grace period of the first stream to pass", () -> cp.xds().rollouts().isEmpty()
                        || Duration.between(cp.xds().rollouts().get(0).started(), Instant.now()).toMillis() > 600);
                assertEquals(version, cp.xds().state().version(), "no rebuild: the endpoint never went away");
                assertEquals(1, cp.xds().state().endpoints("users").size());

                // Gone for good: removed once the grace period has passed.
                again.close();
                await("removed after the grace period", () -> cp.xds().state().endpoints("users").isEmpty());
                assertEquals(List.of(), cp.xds().state().endpoints("users"));
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
