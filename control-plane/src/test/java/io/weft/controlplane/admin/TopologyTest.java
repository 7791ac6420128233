package io.weft.controlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.controlplane.config.MeshConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
    @Test
    void aServiceCallsEveryTargetOfTheRoutesOfWhatItDependsOnAndTheEdgeCallsItsRoutesTargets() {
        Topology t = Topology.of(MeshConfigLoader.parse(Map.of("mesh.yaml", """
                mtls: STRICT
                services:
                  users: {}
                  users-v2: {labels: {version: v2}, mtls: PERMISSIVE}
                  payments: {}
                  orders: {dependsOn: [users, payments]}
                virtualHosts:
                  - name: users
                    domains: [users]
                    routes:
                      - name: canary
                        split: [{to: users, weight: 90}, {to: users-v2, weight: 10}]
                edge:
                  virtualHosts:
                    - name: public
                      domains: ["*"]
                      routes:
                        - {name: orders-api, match: {prefix: /orders/}, to: orders}
                """)));
        assertEquals(List.of("edge", "orders", "payments", "users", "users-v2"),
                t.nodes().stream().map(Topology.Node::name).toList());
        assertEquals("edge", t.nodes().get(0).kind());
        assertEquals(List.of("", "STRICT", "STRICT", "STRICT", "PERMISSIVE"), t.nodes().stream().map(Topology.Node::mtls).toList(),
                "each service's configured mode: the mesh's, or its own");
        assertEquals(List.of(
                new Topology.Edge("edge", "orders", List.of("public/orders-api")),
                new Topology.Edge("orders", "users", List.of("users/canary")),
                new Topology.Edge("orders", "users-v2", List.of("users/canary")),
                new Topology.Edge("orders", "payments", List.of("payments/default"))), t.edges());
    }

    @Test
    void withoutEdgeRoutesThereIsNoEdgeNodeAndAServiceWithoutDependenciesCallsNobody() {
        Topology t = Topology.of(MeshConfigLoader.parse(Map.of("mesh.yaml", "services:\n  users: {}\n")));
        assertEquals(List.of(new Topology.Node("users", "service", "default", Map.of(), "PERMISSIVE")), t.nodes());
        assertEquals(List.of(), t.edges());
    }
}
