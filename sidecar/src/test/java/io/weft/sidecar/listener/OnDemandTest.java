package io.weft.sidecar.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sidecar asks the real control plane for a service it was not told about, when its app first calls it. */
class OnDemandTest {
    @TempDir
    Path tmp;

    @Test
    void anUndeclaredDependencyIsFetchedOnFirstUseAndAnUnknownHostIs404() throws Exception {
        Files.writeString(tmp.resolve("mesh.yaml"), """
                services:
                  app: {}
                  other: {}
                  client: {dependsOn: [app]}
                virtualHosts:
                  - name: app
                    domains: [app]
                    routes: [{to: app}]
                  - name: other
                    domains: [other]
                    routes: [{to: other}]
                """);
        try (ControlPlane cp = ControlPlane.start(new ControlPlaneOptions(Optional.of(tmp), "127.0.0.1", 0, 0,
                Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ZERO, Optional.empty()));
             Backend app = Backend.echo("app"); Backend other = Backend.echo("other")) {
            String xds = "127.0.0.1:" + cp.xdsPort();
            List<Sidecar> all = List.of(
                    Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, "app-1", "app", "default", xds, "127.0.0.1", 0, 0, app.port(), 0, 0, Map.of())),
                    Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, "other-1", "other", "default", xds, "127.0.0.1", 0, 0, other.port(), 0, 0, Map.of())),
                    Sidecar.start(new Bootstrap(Bootstrap.Mode.SIDECAR, "client-1", "client", "default", xds, "127.0.0.1", 0, 0, 1, 0, 0, Map.of())));
            try {
                for (Sidecar s : all) {
                    assertTrue(s.awaitReady(Duration.ofSeconds(20)));
                }
                int out = all.get(2).outboundPort();
                io.weft.sidecar.testing.ProxyFixture.await(() -> RawHttp.get(out, "app", "/"), r -> r.status() == 200);
                // "other" is not among client's dependencies: the first call fetches it, within the wait
                RawHttp.Response first = RawHttp.get(out, "other", "/first");
                assertEquals(200, first.status(), first.body());
                assertEquals("other", first.header("x-backend").orElse(""));
                assertEquals("other", RawHttp.get(out, "other:8080", "/again").header("x-backend").orElse(""),
                        "known from now on, with or without a port");

                RawHttp.Response unknown = RawHttp.get(out, "nosuch", "/");
                assertEquals(404, unknown.status());
                assertEquals("NR", unknown.flags());
                assertEquals(404, RawHttp.get(out, "nosuch", "/").status(), "still unknown");
                assertEquals(404, RawHttp.get(out, "Not_A_Service!", "/").status(), "not even a service name: no lookup");
            } finally {
                all.forEach(Sidecar::close);
            }
        }
    }
}
