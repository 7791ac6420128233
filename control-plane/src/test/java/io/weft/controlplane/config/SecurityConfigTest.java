package io.weft.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.model.AuthzPolicySpec;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MtlsMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityConfigTest {
    static final String SERVICES = """
            services:
              users: {}
              orders: {dependsOn: [users]}
              payments: {namespace: billing, mtls: DISABLE}
              ledger: {namespace: billing}
            """;

    static MeshConfig parse(String yaml) {
        return MeshConfigLoader.parse(Map.of("mesh.yaml", SERVICES + yaml));
    }

    @Test
    void theMostSpecificModeWinsServiceOverNamespaceOverMesh() {
        MeshConfig c = parse("""
                security:
                  mtls:
                    mode: STRICT
                    namespaces: {billing: PERMISSIVE}
                """);
        var sec = c.security();
        assertEquals(MtlsMode.STRICT, sec.modeOf(c.service("users").orElseThrow()));
        assertEquals(MtlsMode.PERMISSIVE, sec.modeOf(c.service("ledger").orElseThrow()));
        assertEquals(MtlsMode.DISABLE, sec.modeOf(c.service("payments").orElseThrow()));
    }

    @Test
    void withoutASecuritySectionTheMeshIsPermissiveAndAllowsEverything() {
        MeshConfig c = MeshConfigLoader.parse(Map.of("mesh.yaml", SERVICES));
        assertEquals(MtlsMode.PERMISSIVE, c.security().modeOf(c.service("users").orElseThrow()));
        assertEquals(AuthzPolicySpec.Action.ALLOW, c.security().defaultActionOf(c.service("users").orElseThrow()));
    }

    @Test
    void policiesAreReadWithTheirMatchers() {
        MeshConfig c = parse("""
                security:
                  authorization:
                    defaults: {billing: DENY}
                    policies:
                      - name: orders-pays
                        namespace: billing
                        to: [payments]
                        action: ALLOW
                        from: [{id: spiffe://weft.local/ns/default/sa/orders}, {namespace: default}]
                        match: {prefixes: [/pay/], methods: [POST], headers: [{name: X-Tenant, exact: acme}]}
                      - name: no-admin
                        action: DENY
                        dryRun: true
                        match: {prefixes: [/admin]}
                """);
        var payments = c.service("payments").orElseThrow();
        assertEquals(AuthzPolicySpec.Action.DENY, c.security().defaultActionOf(payments));
        AuthzPolicySpec p = c.security().policiesFor(payments).get(0);
        assertEquals("orders-pays", p.name());
        assertEquals(2, p.from().size());
        assertEquals("x-tenant", p.headers().get(0).name());
        assertEquals(1, c.security().policiesFor(c.service("users").orElseThrow()).size());
        assertTrue(c.security().policiesFor(c.service("users").orElseThrow()).get(0).dryRun());
    }

    @Test
    void mistakesAreRefusedNamingTheFieldAndTheExpectation() {
        assertError("security: {mtls: {mode: STRIKT}}", "security.mtls.mode: \"STRIKT\" (expected: STRICT, PERMISSIVE or DISABLE)");
        assertError("security: {mtls: {namespaces: {bilings: STRICT}}}", "namespace \"bilings\"");
        assertError("""
                security:
                  authorization:
                    policies: [{name: p, to: [payments], action: ALLOW}]
                """, "security.authorization.policies[0].to[0]: \"payments\" (expected: a declared service of namespace default)");
        assertError("""
                security:
                  authorization:
                    policies: [{name: p, action: ALLOW, from: [{id: spiffe://other.domain/ns/default/sa/x}]}]
                """, "trust domain weft.local");
        assertError("""
                security:
                  authorization:
                    policies: [{name: p, action: ALLOW, match: {headers: [{name: x-forwarded-client-cert, exact: x}]}}]
                """, "x-forwarded-client-cert");
        assertError("""
                security:
                  authorization:
                    policies: [{name: p, action: MAYBE}]
                """, "(expected: ALLOW or DENY)");
        assertError("security: {mtls: {mode: STRICT}, authz: {}}", "unknown field \"authz\"");
    }

    private static void assertError(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("mesh.yaml: "), e.getMessage());
    }
}
