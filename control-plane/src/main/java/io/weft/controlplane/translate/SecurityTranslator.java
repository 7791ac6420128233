package io.weft.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.controlplane.model.AuthorizationPolicy;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.NamespaceSpec;
import io.weft.controlplane.model.PathMatch;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.v1.AuthzAction;
import io.weft.proto.v1.AuthzHeader;
import io.weft.proto.v1.AuthzOperation;
import io.weft.proto.v1.AuthzPolicy;
import io.weft.proto.v1.AuthzPrincipal;
import io.weft.proto.v1.Authorization;
import java.util.List;
import java.util.Optional;

/**
 * Security in standard Envoy terms, added to what the other translators build for Weft proxies:
 * the inbound listener's filter chains by mTLS mode (a {@code tls} chain with a
 * {@code DownstreamTlsContext} requiring a client certificate, a {@code raw_buffer} chain for
 * plaintext, both in PERMISSIVE) plus the authorization filter; each mesh cluster's
 * {@code UpstreamTlsContext} naming the destination's SPIFFE id; and the trust bundle as the SDS
 * secret {@value MeshNames#ROOT_CA_SECRET}. The workload's own key never travels: its certificate is
 * the local SDS secret {@value MeshNames#WORKLOAD_SECRET}. Pure functions of their arguments.
 */
public final class SecurityTranslator {
    private static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3).build();

    private SecurityTranslator() {
    }

    /** Whether the mesh runs its CA (there is a trust bundle to hand out). */
    public static boolean caEnabled(MeshState state) {
        return !state.trustBundlePem().isEmpty();
    }

    /** The mTLS mode of the service a proxy fronts: declared, else its namespace's, else the mesh's. */
    static MtlsMode modeOf(ProxyNode node, MeshConfig config) {
        return config.service(node.service()).map(config::mtlsFor)
                .orElseGet(() -> Optional.ofNullable(config.namespaces().get(node.namespace())).flatMap(NamespaceSpec::mtls)
                        .orElse(config.mtls()));
    }

    /** Adds mTLS filter chains and the authorization filter to a sidecar's inbound listener; other listeners pass. */
    public static Listener listener(Listener l, ProxyNode node, MeshState state) {
        if (node.mode() != ProxyNode.Mode.SIDECAR || !l.getName().equals(MeshNames.INBOUND_LISTENER) || l.getFilterChainsCount() != 1) {
            return l;
        }
        FilterChain plain = withAuthz(l.getFilterChains(0), authorization(node.service(), node.namespace(), state.config()));
        if (!caEnabled(state)) {
            return l.toBuilder().setFilterChains(0, plain).build();
        }
        FilterChain tls = plain.toBuilder()
                .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder()
                                .setCommonTlsContext(common(List.of("h2", "http/1.1")).setValidationContextSdsSecretConfig(sds(MeshNames.ROOT_CA_SECRET)))
                                .setRequireClientCertificate(com.google.protobuf.BoolValue.of(true))
                                .build())))
                .build();
        FilterChain raw = plain.toBuilder().setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer")).build();
        List<FilterChain> chains = switch (modeOf(node, state.config())) {
            case STRICT -> List.of(tls);
            case PERMISSIVE -> List.of(tls, raw);
            case DISABLE -> List.of(raw);
        };
        return l.toBuilder().clearFilterChains().addAllFilterChains(chains)
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                        .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
                .build();
    }

    /**
     * Adds mTLS to a Weft proxy's cluster of a mesh service ({@code users}, or a version {@code users@v2})
     * whose inbound accepts it. HTTP/2 clusters stay plaintext: the proxy's HTTP/2 upstream has no TLS yet.
     */
    public static Cluster cluster(Cluster c, MeshState state) {
        if (!caEnabled(state) || c.getName().startsWith(MeshNames.INBOUND_CLUSTER_PREFIX)
                || c.getTypedExtensionProtocolOptionsMap().containsKey(MeshNames.HTTP_PROTOCOL_OPTIONS)) {
            return c;
        }
        int at = c.getName().indexOf('@');
        Optional<ServiceSpec> dest = state.config().service(at < 0 ? c.getName() : c.getName().substring(0, at));
        if (dest.isEmpty() || state.config().mtlsFor(dest.get()) == MtlsMode.DISABLE) {
            return c;
        }
        SpiffeId id = SpiffeId.of(state.config().trustDomain(), dest.get().namespace(), dest.get().name());
        CommonTlsContext.Builder common = common(List.of("http/1.1"))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                        .setSanType(SubjectAltNameMatcher.SanType.URI)
                                        .setMatcher(StringMatcher.newBuilder().setExact(id.uri()))))
                        .setValidationContextSdsSecretConfig(sds(MeshNames.ROOT_CA_SECRET)));
        return c.toBuilder().setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common).setSni(dest.get().name()).build())))
                .build();
    }

    /** The SDS secrets every Weft proxy gets: the trust bundle. */
    public static List<Secret> secrets(MeshState state) {
        if (!caEnabled(state)) {
            return List.of();
        }
        return List.of(Secret.newBuilder().setName(MeshNames.ROOT_CA_SECRET)
                .setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineString(String.join("", state.trustBundlePem()))))
                .build());
    }

    /** The authorization filter's typed config for a service: the policies guarding it and its namespace's default. */
    public static Authorization authorization(String service, String namespace, MeshConfig config) {
        boolean allow = Optional.ofNullable(config.namespaces().get(namespace)).map(NamespaceSpec::defaultAllow).orElse(true);
        Authorization.Builder a = Authorization.newBuilder().setService(service)
                .setDefaultAction(allow ? AuthzAction.ALLOW : AuthzAction.DENY);
        for (AuthorizationPolicy p : config.authorization()) {
            if (!p.namespace().equals(namespace) || (p.service().isPresent() && !p.service().get().equals(service))) {
                continue;
            }
            AuthzPolicy.Builder b = AuthzPolicy.newBuilder().setName(p.name()).setDryRun(p.dryRun())
                    .setAction(p.action() == AuthorizationPolicy.Action.DENY ? AuthzAction.DENY : AuthzAction.ALLOW);
            for (AuthorizationPolicy.Source f : p.from()) {
                AuthzPrincipal.Builder pr = AuthzPrincipal.newBuilder();
                f.spiffeId().ifPresent(pr::setExact);
                f.spiffePrefix().ifPresent(pr::setPrefix);
                f.namespace().ifPresent(pr::setNamespace);
                b.addFrom(pr);
            }
            for (AuthorizationPolicy.Operation op : p.to()) {
                AuthzOperation.Builder o = AuthzOperation.newBuilder().addAllMethods(op.methods());
                for (PathMatch pm : op.paths()) {
                    switch (pm.kind()) {
                        case EXACT -> o.addPaths(pm.value());
                        case PREFIX -> o.addPathPrefixes(pm.value());
                        default -> throw new IllegalArgumentException("policy " + p.name() + ": path " + pm
                                + " (expected: exact or prefix)");
                    }
                }
                for (HeaderMatch h : op.headers()) {
                    AuthzHeader.Builder hb = AuthzHeader.newBuilder().setName(h.name());
                    switch (h.kind()) {
                        case EXACT -> hb.setExact(h.value());
                        case PREFIX -> hb.setPrefix(h.value());
                        case REGEX -> hb.setRegex(h.value());
                        case PRESENT -> hb.setPresent(true);
                    }
                    o.addHeaders(hb);
                }
                b.addTo(o);
            }
            a.addPolicies(b);
        }
        return a.build();
    }

    private static FilterChain withAuthz(FilterChain chain, Authorization authz) {
        FilterChain.Builder out = chain.toBuilder().clearFilters();
        for (Filter f : chain.getFiltersList()) {
            if (!f.getTypedConfig().getTypeUrl().equals(MeshNames.HCM_TYPE)) {
                out.addFilters(f);
                continue;
            }
            try {
                HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
                HttpConnectionManager.Builder b = hcm.toBuilder().clearHttpFilters()
                        .addHttpFilters(HttpFilter.newBuilder().setName(MeshNames.AUTHZ_FILTER)
                                .setTypedConfig(Any.pack(authz)))
                        .addAllHttpFilters(hcm.getHttpFiltersList());
                out.addFilters(f.toBuilder().setTypedConfig(Any.pack(b.build())));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("inbound listener HCM does not parse: " + e.getMessage(), e);
            }
        }
        return out.build();
    }

    private static CommonTlsContext.Builder common(List<String> alpn) {
        return CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds(MeshNames.WORKLOAD_SECRET))
                .setTlsParams(TlsParameters.newBuilder()
                        .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                        .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
                .addAllAlpnProtocols(alpn);
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ADS).build();
    }
}
