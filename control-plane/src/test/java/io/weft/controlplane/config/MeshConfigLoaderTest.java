package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.PathMatch;
import io.weft.controlplane.model.RouteSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshConfigLoaderTest {
    private static MeshConfig parse(String yaml) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", yaml));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void everyServiceGetsADefaultVirtualHostUnlessOneIsDeclared() {
        MeshConfig c = parse("""
                services:
                  users: {}
                  users-v2: {}
                  orders: {dependsOn: [users]}
                virtualHosts:
                  - name: users
                    routes:
                      - {match: {prefix: /v2/}, split: [{to: users, weight: 90}, {to: users-v2, weight: 10}], timeout: 2s}
                      - {to: users}
                """);
        assertEquals(List.of("users"), c.virtualHosts().get("users").domains());
        RouteSpec canary = c.virtualHosts().get("users").routes().get(0);
        assertEquals(PathMatch.Kind.PREFIX, canary.match().path().kind());
        assertEquals(2, canary.targets().size());
        assertEquals(Duration.ofSeconds(2), canary.timeout().orElseThrow());
        assertEquals(List.of("orders"), c.virtualHosts().get("orders").domains());
        assertEquals("orders", c.virtualHosts().get("orders").routes().get(0).targets().get(0).service());
    }

    @Test
    void errorsNameTheFileThePathAndTheExpectation() {
        String base = "services: {users: {}}\nvirtualHosts:\n  - name: users\n    routes:\n";
        assertEquals("mesh.yaml: virtualHosts[0].routes[1].timeout: \"-5s\" (expected: a positive duration such as 250ms, 2s or 1m)",
                error(base + "      - {to: users}\n      - {to: users, timeout: -5s}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].to: \"payments\" (expected: a declared service, one of [users])",
                error(base + "      - {to: payments}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].split: weights adding up to 90 (expected: weights adding up to 100)",
                error(base + "      - {split: [{to: users, weight: 90}]}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].match.regex: \"[\" (expected: a valid regular expression (Unclosed character class))",
                error(base + "      - {match: {regex: \"[\"}, to: users}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].timout: unknown field \"timout\" (expected: one of "
                        + "[hashOn, match, name, prefixRewrite, retry, rewrite, split, timeout, to])",
                error(base + "      - {to: users, timout: 2s}\n"));
        assertEquals("mesh.yaml: services.orders.dependsOn[0]: \"billing\" (expected: a declared service, one of [orders])",
                error("services:\n  orders: {dependsOn: [billing]}\n"));
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        String msg = error("services:\n  users: {\n");
        assertEquals(true, msg.startsWith("mesh.yaml: line 3"), msg);
    }

    @Test
    void aNameDeclaredInTwoFilesNamesBothFiles() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("a.yaml", "services: {users: {}}\n");
        docs.put("b.yaml", "services: {users: {}}\n");
        String msg = assertThrows(ConfigException.class, () -> MeshConfigLoader.parse(docs)).getMessage();
        assertEquals("b.yaml: services.users: service \"users\" declared again (first in a.yaml) (expected: each service declared once)", msg);
    }

    @Test
    void twoVirtualHostsMayNotClaimTheSameDomain() {
        String msg = error("""
                services: {users: {}, orders: {}}
                virtualHosts:
                  - {name: a, domains: [shop.example.com], routes: [{to: users}]}
                  - {name: b, domains: [shop.example.com], routes: [{to: orders}]}
                """);
        assertEquals("mesh.yaml: virtualHosts[1].domains: domain \"shop.example.com\" already served by virtual host \"a\" "
                + "(expected: each domain in one virtual host)", msg);
    }
}
