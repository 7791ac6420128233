package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.model.AuthorizationPolicy;
import io.weft.controlplane.model.ClusterPolicy;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The richer parts of the mesh YAML: service policies, retries, rewrites, canaries by version, security, edge. */
class MeshPolicyConfigTest {
    private static MeshConfig parse(String yaml) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", yaml));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    static final String FULL = """
            mtls: strict
            namespaces:
              legacy: {mtls: permissive, defaultAction: deny}
            services:
              users:
                protocol: http2
                versions: [v1, v2]
                loadBalancer: least-request
                connectTimeout: 500ms
                circuitBreaker: {maxRequests: 100, maxPendingRequests: 10, retryBudget: {percent: 20}}
                outlierDetection: {consecutive5xx: 3, interval: 5s, baseEjectionTime: 15s, maxEjectionPercent: 50}
                healthCheck: {path: /health, interval: 2s, timeout: 500ms}
              billing:
                namespace: legacy
                mtls: disable
                endpoints: ["10.1.2.3:8080", {address: "::1", port: 9090, labels: {zone: b}}]
              orders: {dependsOn: [users, billing]}
            virtualHosts:
              - name: users
                routes:
                  - name: canary
                    match:
                      prefix: /users/
                      method: GET
                      headers: [{name: X-Beta, present: true}, {name: x-tenant, prefix: acme-}]
                      query: [{name: debug, exact: "1"}]
                    split: [{to: users, version: v1, weight: 90}, {to: users, version: v2, weight: 10}]
                    timeout: 3s
                    retry: {attempts: 2, perTryTimeout: 1s, conditions: [5xx, connect-failure], backoff: {base: 10ms, max: 100ms}}
                    rewrite: {regex: "^/users/(.*)$", substitution: "/v1/\\\\1", host: users.internal}
                    hashOn: {header: x-user}
                  - {to: {service: users, version: v1}}
            authorization:
              - name: orders-reads-users
                service: users
                action: allow
                from: [{spiffeId: "spiffe://weft.local/ns/default/sa/orders"}, {namespace: legacy}]
                to: [{paths: ["/users/*", /health], methods: [GET]}]
              - name: no-admin
                action: deny
                dryRun: true
                to: [{paths: ["/admin/*"]}]
            edge:
              listeners:
                - name: public
                  port: 8443
                  tls: {certFile: /etc/weft/edge.pem, keyFile: /etc/weft/edge.key}
                  filters:
                    - {type: jwt, config: {issuer: "https://id.example.com", audiences: [api]}}
                    - {type: rate-limit, config: {requestsPerSecond: 100}}
            """;

    @Test
    void servicePoliciesAreRead() {
        MeshConfig c = parse(FULL);
        ServiceSpec users = c.services().get("users");
        assertEquals(ServiceSpec.Protocol.HTTP2, users.protocol());
        assertEquals(List.of("v1", "v2"), users.versions());
        ClusterPolicy p = users.policy();
        assertEquals(ClusterPolicy.LoadBalancer.LEAST_REQUEST, p.loadBalancer());
        assertEquals(Duration.ofMillis(500), p.connectTimeout());
        assertEquals(new ClusterPolicy.CircuitBreaker(1024, 10, 100, 3, 20, 3), p.circuitBreaker().orElseThrow());
        assertEquals(3, p.outlierDetection().orElseThrow().consecutive5xx());
        assertEquals("/health", p.healthCheck().orElseThrow().path());
        ServiceSpec billing = c.services().get("billing");
        assertEquals(2, billing.endpoints().size());
        assertEquals("::1", billing.endpoints().get(1).address());
        assertEquals(ClusterPolicy.LoadBalancer.PEAK_EWMA, c.services().get("orders").policy().loadBalancer(),
                "Peak-EWMA is the default balancer");
    }

    @Test
    void routesCarryMatchesCanaryRetryRewriteAndHashing() {
        RouteSpec r = parse(FULL).virtualHosts().get("users").routes().get(0);
        assertEquals(Optional.of("GET"), r.match().method());
        assertEquals(HeaderMatch.Kind.PRESENT, r.match().headers().get(0).kind());
        assertEquals("x-beta", r.match().headers().get(0).name(), "header names are case-insensitive: stored lower case");
        assertEquals("debug", r.match().query().get(0).name());
        assertEquals(List.of("users@v1", "users@v2"), r.targets().stream().map(t -> t.cluster()).toList());
        assertEquals(2, r.retry().orElseThrow().attempts());
        assertEquals(List.of("5xx", "connect-failure"), r.retry().orElseThrow().retryOn());
        assertEquals("^/users/(.*)$", r.rewrite().regex().orElseThrow());
        assertEquals("/v1/\\1", r.rewrite().substitution());
        assertEquals("users.internal", r.rewrite().host().orElseThrow());
        assertEquals("x-user", r.hashOn().orElseThrow().name());
    }

    @Test
    void securityAndEdgeSectionsAreRead() {
        MeshConfig c = parse(FULL);
        assertEquals(MtlsMode.STRICT, c.mtlsFor(c.services().get("users")), "the mesh default");
        assertEquals(MtlsMode.DISABLE, c.mtlsFor(c.services().get("billing")), "the service's own mode wins");
        assertEquals(false, c.namespaces().get("legacy").defaultAllow());
        AuthorizationPolicy allow = c.authorization().get(0);
        assertEquals(AuthorizationPolicy.Action.ALLOW, allow.action());
        assertEquals(Optional.of("users"), allow.service());
        assertEquals("/users/", allow.to().get(0).paths().get(0).value());
        assertTrue(c.authorization().get(1).dryRun());
        assertEquals("jwt", c.edgeListeners().get(0).filters().get(0).type());
        assertEquals(List.of("api"), c.edgeListeners().get(0).filters().get(0).config().get("audiences"));
    }

    @Test
    void badPolicyValuesAreRefusedWithFilePathAndExpectation() {
        assertEquals("mesh.yaml: services.users.loadBalancer: \"fastest\" (expected: one of [peak-ewma, round-robin, "
                        + "least-request, random, ring-hash])",
                error("services: {users: {loadBalancer: fastest}}"));
        assertEquals("mesh.yaml: services.users.endpoints[0]: \"users.local:80\" (expected: an IP literal "
                        + "(xDS clients such as grpc-java refuse host names))",
                error("services: {users: {endpoints: [\"users.local:80\"]}}"));
        assertEquals("mesh.yaml: services.users.circuitBreaker.maxRequests: 0 (expected: an integer from 1 to 1000000)",
                error("services: {users: {circuitBreaker: {maxRequests: 0}}}"));
        assertEquals("mesh.yaml: services.users.healthCheck.timeout: \"5s\" (expected: a duration no longer than the "
                        + "interval (1000ms))",
                error("services: {users: {healthCheck: {path: /h, interval: 1s, timeout: 5s}}}"));
        String vh = "services: {users: {versions: [v1]}}\nvirtualHosts:\n  - name: users\n    routes:\n";
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].retry.conditions[1]: \"5xxx\" (expected: a retry condition, one of "
                        + RouteReader.RETRY_ON.stream().sorted().toList() + ")",
                error(vh + "      - {to: users, retry: {conditions: [5xx, 5xxx]}}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].retry.perTryTimeout: \"0s\" (expected: a positive duration "
                        + "such as 250ms, 2s or 1m)",
                error(vh + "      - {to: users, retry: {perTryTimeout: 0s}}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].split[1].version: \"v3\" (expected: a version of users "
                        + "declared in services.users.versions, one of [v1])",
                error(vh + "      - {split: [{to: users, weight: 50}, {to: users, version: v3, weight: 50}]}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].match.headers[0]: more than one of [exact, regex] (expected: "
                        + "exactly one of \"exact\", \"prefix\", \"regex\" or \"present: true\")",
                error(vh + "      - {to: users, match: {headers: [{name: a, exact: b, regex: c}]}}\n"));
        assertEquals("mesh.yaml: virtualHosts[0].routes[0].rewrite: a regex without a substitution (expected: both "
                        + "regex and substitution, or neither)",
                error(vh + "      - {to: users, rewrite: {regex: \"^/a\"}}\n"));
        assertEquals("mesh.yaml: mtls: \"strictest\" (expected: one of [strict, permissive, disable])",
                error("mtls: strictest"));
        assertEquals("mesh.yaml: authorization[0].service: \"payments\" (expected: a declared service, one of [users])",
                error("services: {users: {}}\nauthorization: [{name: p, service: payments, action: allow}]"));
        assertEquals("mesh.yaml: authorization[0].from[0]: a mapping (expected: exactly one of \"spiffeId\", "
                        + "\"spiffePrefix\" or \"namespace\")",
                error("authorization: [{name: p, action: deny, from: [{spiffeId: \"spiffe://a/b\", namespace: x}]}]"));
        assertEquals("mesh.yaml: edge.listeners[0].filters[0].type: \"jwtt\" (expected: an edge filter type, one of "
                        + PolicyReader.EDGE_FILTERS.stream().sorted().toList() + ")",
                error("edge: {listeners: [{name: public, filters: [{type: jwtt}]}]}"));
    }
}
