package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.WeightedTarget;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.v1.EdgeAggregate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An edge route's {@code aggregate:} section: what reaches the edge, and each mistake refused with its field. */
class EdgeAggregateConfigTest {
    static final String SERVICES = """
            services:
              users: {}
              catalog: {versions: [v1, v2]}
            edge:
              virtualHosts:
                - name: public
                  domains: ["*"]
                  routes:
                    - name: home
                      match: {path: /api/home}
            """;

    static MeshConfig parse(String aggregate) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", SERVICES + aggregate.indent(10)));
    }

    static String error(String aggregate) {
        return assertThrows(ConfigException.class, () -> parse(aggregate)).getMessage();
    }

    @Test
    void callsBecomeTheTypedConfigAndTheirServicesTheRouteTargets() {
        MeshConfig c = parse("""
                aggregate:
                  onFailure: partial
                  calls:
                    - {name: user, to: users, path: "/users/{query.user}", timeout: 500ms}
                    - {name: item, to: {service: catalog, version: v2}, path: "/catalog/items/{user.favourite}"}
                    - {name: note, to: users, method: POST, path: /notes, body: '{"who":"{user.id}"}'}
                """);
        RouteSpec home = c.edgeHosts().get(0).routes().get(0);
        EdgeAggregate a = (EdgeAggregate) home.filters().get(EdgeFilterNames.AGGREGATE);
        assertEquals(EdgeAggregate.OnFailure.PARTIAL, a.getOnFailure());
        assertEquals(List.of("users", "catalog@v2", "users"), a.getCallsList().stream().map(x -> x.getCluster()).toList());
        assertEquals("/catalog/items/{user.favourite}", a.getCalls(1).getPath());
        assertEquals(500_000_000, a.getCalls(0).getTimeout().getNanos());
        assertEquals(5, a.getCalls(1).getTimeout().getSeconds(), "default timeout");
        assertEquals("{\"who\":\"{user.id}\"}", a.getCalls(2).getBody());
        assertEquals(List.of("users", "catalog@v2", "users"), home.targets().stream().map(WeightedTarget::cluster).toList());
        assertEquals(100, home.targets().stream().mapToInt(WeightedTarget::weight).sum());
    }

    @Test
    void mistakesAreRefusedWithTheirField() {
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls[0].path: \"/users/{item.id}\" reads from \"item\""
                + " (expected: {query.*}, {header.*} or a call declared before this one, one of [])", error("""
                aggregate:
                  calls:
                    - {name: user, to: users, path: "/users/{item.id}"}
                    - {name: item, to: catalog, path: /catalog/items/1}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls[1].to: \"payments\" (expected: a declared service,"
                + " one of [users, catalog])", error("""
                aggregate:
                  calls:
                    - {name: user, to: users, path: /users/1}
                    - {name: pay, to: payments, path: /pay}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls[1].name: call \"user\" declared twice"
                + " (expected: unique call names)", error("""
                aggregate:
                  calls:
                    - {name: user, to: users, path: /users/1}
                    - {name: user, to: users, path: /users/2}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls[0].name: \"errors\" (expected: letters, digits,"
                + " '_' and '-', not query, header or errors)", error("""
                aggregate:
                  calls: [{name: errors, to: users, path: /x}]
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].to: \"to\" or \"split\" on an aggregate route (expected: no route"
                + " target: the calls name theirs (aggregate.calls[].to))", error("""
                to: users
                aggregate:
                  calls: [{name: user, to: users, path: /x}]
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.onFailure: \"ignore\" (expected: fail or partial)", error("""
                aggregate:
                  onFailure: ignore
                  calls: [{name: user, to: users, path: /x}]
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls: missing (expected: 1 to 20 calls)", error("""
                aggregate: {onFailure: fail}
                """));
        assertEquals("mesh.yaml: edge.virtualHosts[0].routes[0].aggregate.calls[0].timeout: \"0s\" (expected: a positive duration"
                + " such as 250ms, 2s or 1m)", error("""
                aggregate:
                  calls: [{name: user, to: users, path: /x, timeout: 0s}]
                """));
    }
}
