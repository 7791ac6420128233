package io.weft.controlplane.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.weft.controlplane.config.MeshConfigLoader;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.Authorization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityTranslatorTest {
    static final List<String> BUNDLE = List.of("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

    static MeshState state(String security, List<String> bundle) {
        MeshConfig c = MeshConfigLoader.parse(Map.of("mesh.yaml", """
                services:
                  users: {}
                  orders: {dependsOn: [users], mtls: STRICT}
                """ + security));
        return MeshState.of(1, c, Map.of(), bundle);
    }

    static ProxyNode sidecar(String service) {
        return new ProxyNode(service + "-1", service, ProxyNode.Mode.SIDECAR, service, "default", "127.0.0.1", 15006, 15001,
                8080, 0, Map.of());
    }

    static Listener inbound(String service, MeshState state) {
        return ListenerTranslator.forNode(sidecar(service)).stream().map(l -> SecurityTranslator.listener(l, sidecar(service), state))
                .filter(l -> l.getName().equals(MeshNames.INBOUND_LISTENER)).findFirst().orElseThrow();
    }

    static List<String> protocols(Listener l) {
        return l.getFilterChainsList().stream().map(fc -> fc.getFilterChainMatch().getTransportProtocol()).toList();
    }

    @Test
    void strictInboundHasOnlyATlsChainThatRequiresAClientCertificate() throws Exception {
        Listener l = inbound("orders", state("", BUNDLE));
        assertEquals(List.of("tls"), protocols(l));
        DownstreamTlsContext tls = l.getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
        assertTrue(tls.getRequireClientCertificate().getValue());
        assertEquals(MeshNames.ROOT_CA_SECRET, tls.getCommonTlsContext().getValidationContextSdsSecretConfig().getName());
        assertEquals(MeshNames.WORKLOAD_SECRET, tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName());
    }

    @Test
    void permissiveHasTlsAndPlaintextChainsAndDisableOnlyPlaintext() {
        assertEquals(List.of("tls", "raw_buffer"), protocols(inbound("users", state("", BUNDLE))));
        assertEquals(List.of("raw_buffer"), protocols(inbound("users", state("mtls: DISABLE\n", BUNDLE))));
    }

    @Test
    void withoutTheCaNothingIsTlsAndNoSecretIsServed() {
        MeshState noCa = state("", List.of());
        assertFalse(inbound("orders", noCa).getFilterChains(0).hasTransportSocket());
        assertFalse(SecurityTranslator.cluster(ClusterTranslator.forName("orders", noCa.config()).orElseThrow(), noCa).hasTransportSocket());
        assertEquals(List.of(), SecurityTranslator.secrets(noCa));
    }

    @Test
    void aVersionClusterVerifiesItsServicesIdentity() throws Exception {
        Cluster c = SecurityTranslator.cluster(ClusterTranslator.forName("users", state("", BUNDLE).config()).orElseThrow()
                .toBuilder().setName("users@v2").build(), state("", BUNDLE));
        assertEquals("spiffe://weft.local/ns/default/sa/users", c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class)
                .getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
                .getMatchTypedSubjectAltNames(0).getMatcher().getExact());
    }

    @Test
    void clustersOfMeshServicesVerifyTheDestinationsSpiffeId() throws Exception {
        MeshState st = state("", BUNDLE);
        Cluster c = SecurityTranslator.cluster(ClusterTranslator.forName("orders", st.config()).orElseThrow(), st);
        UpstreamTlsContext tls = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
        assertEquals("spiffe://weft.local/ns/default/sa/orders", tls.getCommonTlsContext().getCombinedValidationContext()
                .getDefaultValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact());
        assertEquals(1, SecurityTranslator.secrets(state("", BUNDLE)).size());
    }

    @Test
    void theInboundHttpFiltersCarryTheAuthorizationPolicyBeforeTheRouter() throws Exception {
        MeshState s = state("""
                namespaces: {default: {defaultAction: deny}}
                authorization:
                  - {name: orders-reads-users, service: users, action: allow, from: [{spiffeId: "spiffe://weft.local/ns/default/sa/orders"}],
                     to: [{paths: ["/users/*"], methods: [GET]}]}
                """, BUNDLE);
        for (FilterChain fc : inbound("users", s).getFilterChainsList()) {
            HttpConnectionManager hcm = fc.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
            assertEquals(MeshNames.AUTHZ_FILTER, hcm.getHttpFilters(0).getName());
            assertEquals("envoy.filters.http.router", hcm.getHttpFilters(hcm.getHttpFiltersCount() - 1).getName());
            Authorization a = hcm.getHttpFilters(0).getTypedConfig().unpack(Authorization.class);
            assertEquals("orders-reads-users", a.getPolicies(0).getName());
            assertEquals(List.of("/users/"), a.getPolicies(0).getTo(0).getPathPrefixesList());
            assertEquals(io.weft.proto.v1.AuthzAction.DENY, a.getDefaultAction());
        }
    }
}
