package io.weft.sidecar.testing;

import io.weft.controlplane.ControlPlane;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.SecurityBootstrap;
import java.time.Duration;
import java.util.Map;

/**
 * Proxies as a mesh on one machine starts them: node {@code <service>-1} in namespace {@code default},
 * reached on 127.0.0.1, every port picked by the OS. Used by the in-process meshes of this module's
 * tests and of the examples.
 */
public final class LocalProxies {
    private LocalProxies() {
    }

    /** The bootstrap of {@code service}'s sidecar, in front of its app on {@code appPort}. */
    public static Bootstrap sidecar(String service, String controlPlane, int appPort) {
        return new Bootstrap(Bootstrap.Mode.SIDECAR, service + "-1", service, "default", controlPlane, "127.0.0.1",
                0, 0, appPort, 0, 0, Map.of());
    }

    /** The bootstrap of the edge gateway {@code edge-1}. */
    public static Bootstrap edge(String controlPlane) {
        return new Bootstrap(Bootstrap.Mode.EDGE, "edge-1", "edge", "default", controlPlane, "127.0.0.1",
                0, 0, 0, 0, 0, Map.of());
    }

    /** What {@code service}'s proxy needs to get its certificate from {@code controlPlane}'s CA (a fresh join token). */
    public static SecurityBootstrap security(ControlPlane controlPlane, String service) {
        var sec = controlPlane.security().orElseThrow(() -> new IllegalStateException("the control plane runs without its CA"));
        return new SecurityBootstrap("127.0.0.1:" + sec.endpoint().port(), "weft.local", sec.ca().trustBundle(),
                sec.tokens().mint("default", service, Duration.ofMinutes(5)), Duration.ZERO, Duration.ofMillis(200));
    }

    /**
     * Waits until every proxy has its first config from the control plane, giving each up to {@code timeout}.
     *
     * @throws IllegalStateException naming the first proxy that got none within {@code timeout}
     */
    public static void awaitReady(Iterable<Sidecar> proxies, Duration timeout) throws InterruptedException {
        for (Sidecar s : proxies) {
            if (!s.awaitReady(timeout)) {
                throw new IllegalStateException(s.bootstrap().nodeId() + " got no config within " + timeout.toSeconds() + "s");
            }
        }
    }
}
