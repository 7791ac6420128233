package io.weft.controlplane.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.weft.controlplane.config.MeshConfigLoader;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.v1.PeakEwma;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Translators, YAML in and Envoy resources out: each case is a mesh YAML under
 * {@code src/test/resources/golden/<case>/} and, per xDS type, the JSON the translators must produce
 * for one node. Run with {@code -Dweft.updateGolden=true} to rewrite the expected files after an
 * intended change, then review the diff.
 */
class TranslatorGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final JsonFormat.Printer JSON = JsonFormat.printer().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor()).add(Router.getDescriptor()).add(PeakEwma.getDescriptor())
            .add(RoundRobin.getDescriptor()).add(HttpProtocolOptions.getDescriptor())
            .add(io.weft.proto.EdgeFilterNames.ORDER.stream()
                    .map(n -> io.weft.proto.EdgeFilterNames.defaultConfig(n).getDescriptorForType()).toList()).build());

    private static final List<Endpoint> REGISTERED = List.of(
            new Endpoint("users", "10.0.0.2", 15006, Map.of("version", "v1", "zone", "a"), "users-1"),
            new Endpoint("users", "10.0.0.3", 15006, Map.of("version", "v2", "zone", "b"), "users-2"),
            new Endpoint("users", "10.0.0.4", 15006, Map.of("version", "v1", "zone", "b"), "users-3"));

    static ProxyNode sidecar(String service) {
        return new ProxyNode(service + "-1", "", ProxyNode.Mode.SIDECAR, service, "default", "10.0.0.9",
                15006, 15001, 8080, 0, Map.of());
    }

    static ProxyNode edge() {
        return new ProxyNode("edge-1", "", ProxyNode.Mode.EDGE, "edge", "default", "10.0.0.1", 0, 0, 0, 8443, Map.of());
    }

    @Test
    void sidecarOfTheDemoMeshGetsOnlyWhatItsServiceCalls() throws IOException {
        check("demo-orders-sidecar", sidecar("orders"));
    }

    @Test
    void edgeOfTheDemoMeshGetsItsPublicRoutes() throws IOException {
        check("demo-edge", edge());
    }

    @Test
    void policiesBecomeRetryTimeoutRewriteHashCircuitBreakerOutlierAndHealthCheckFields() throws IOException {
        check("policies-orders-sidecar", sidecar("orders"));
    }

    private static void check(String name, ProxyNode node) throws IOException {
        Path dir = GOLDEN.resolve(name);
        MeshConfig config = MeshConfigLoader.load(dir.resolve("mesh.yaml"));
        MeshState state = MeshState.of(1, config, Map.of("users", REGISTERED));
        List<Message> listeners = new ArrayList<>(ListenerTranslator.forNode(node));
        List<Message> routes = new ArrayList<>(RouteTranslator.forNode(node, config));
        List<Message> clusters = new ArrayList<>(ClusterTranslator.forNode(node, config));
        List<Message> endpoints = new ArrayList<>();
        for (String cluster : new TreeSet<>(RouteTranslator.clusters(node.mode() == ProxyNode.Mode.EDGE
                ? config.edgeHosts() : RouteTranslator.visibleHosts(node, config)))) {
            EndpointTranslator.forName(cluster, state).ifPresent(endpoints::add);
        }
        compare(dir.resolve("listeners.json"), listeners);
        compare(dir.resolve("routes.json"), routes);
        compare(dir.resolve("clusters.json"), clusters);
        compare(dir.resolve("endpoints.json"), endpoints);
        // The listeners' HCMs reference route configurations that exist.
        for (Message m : listeners) {
            Listener l = (Listener) m;
            String rds = l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class)
                    .getRds().getRouteConfigName();
            assertEquals(1, routes.stream().filter(r -> ((io.envoyproxy.envoy.config.route.v3.RouteConfiguration) r)
                    .getName().equals(rds)).count(), l.getName() + " references " + rds);
        }
    }

    private static void compare(Path file, List<Message> resources) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < resources.size(); i++) {
            json.append(JSON.print(resources.get(i))).append(i + 1 < resources.size() ? ",\n" : "\n");
        }
        String actual = json.append("]\n").toString();
        if (Boolean.getBoolean("weft.updateGolden")) {
            Files.writeString(file, actual);
        }
        assertEquals(Files.readString(file), actual, file + " (rerun with -Dweft.updateGolden=true after an intended change)");
    }
}
