package io.weft.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import io.weft.controlplane.model.ClusterPolicy;
import io.weft.controlplane.model.Endpoint;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.PeakEwma;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Clusters (CDS). Pure functions of (node, config). */
public final class ClusterTranslator {
    private ClusterTranslator() {
    }

    /** The clusters a Weft proxy gets for a wildcard CDS subscription: only what its routes can reach. */
    public static List<Cluster> forNode(ProxyNode node, MeshConfig config) {
        List<Cluster> out = new ArrayList<>();
        switch (node.mode()) {
            case SIDECAR -> {
                out.add(inbound(node));
                RouteTranslator.clusters(RouteTranslator.visibleHosts(node, config))
                        .forEach(name -> forName(name, config).ifPresent(out::add));
            }
            case EDGE -> RouteTranslator.clusters(config.edgeHosts())
                    .forEach(name -> forName(name, config).ifPresent(out::add));
            case PROXYLESS -> { }
        }
        return out;
    }

    /** The clusters that depend on the node alone (the sidecar's own app). */
    public static List<Cluster> local(ProxyNode node) {
        return node.mode() == ProxyNode.Mode.SIDECAR ? List.of(inbound(node)) : List.of();
    }

    /** The clusters every proxy of the node's mode and service shares. Reads only its mode and service. */
    public static List<Cluster> shared(ProxyNode node, MeshConfig config) {
        List<Cluster> out = new ArrayList<>();
        List<String> names = switch (node.mode()) {
            case SIDECAR -> List.copyOf(RouteTranslator.clusters(RouteTranslator.visibleHosts(node, config)));
            case EDGE -> List.copyOf(RouteTranslator.clusters(config.edgeHosts()));
            case PROXYLESS -> List.of();
        };
        names.forEach(name -> forName(name, config).ifPresent(out::add));
        return out;
    }

    /** A cluster by name: a service ({@code users}) or one of its versions ({@code users@v2}). */
    public static Optional<Cluster> forName(String name, MeshConfig config) {
        return ClusterName.parse(name, config).map(c -> service(c.service(), c.version(), config));
    }

    /** The cluster of a mesh service (or one version of it); its endpoints come over EDS under the same name. */
    static Cluster service(ServiceSpec svc, Optional<String> version, MeshConfig config) {
        String name = version.map(v -> MeshNames.subsetCluster(svc.name(), v)).orElse(svc.name());
        ClusterPolicy p = svc.policy();
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(name)
                        .setEdsConfig(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3)))
                .setConnectTimeout(duration(p.connectTimeout()));
        loadBalancer(c, p.loadBalancer());
        p.circuitBreaker().ifPresent(cb -> c.setCircuitBreakers(circuitBreakers(cb)));
        p.outlierDetection().ifPresent(od -> c.setOutlierDetection(outlier(od)));
        p.healthCheck().ifPresent(hc -> c.addHealthChecks(healthCheck(hc, svc.name())));
        if (svc.protocol() != ServiceSpec.Protocol.HTTP) {
            c.putTypedExtensionProtocolOptions(MeshNames.HTTP_PROTOCOL_OPTIONS, Any.pack(HttpProtocolOptions.newBuilder()
                    .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                    .build()));
        }
        return c.build();
    }

    /**
     * The policy as both the classic {@code lb_policy} enum and, for Peak-EWMA, a
     * {@code load_balancing_policy} list whose Round Robin fallback serves clients that lack it.
     */
    private static void loadBalancer(Cluster.Builder c, ClusterPolicy.LoadBalancer lb) {
        switch (lb) {
            case PEAK_EWMA -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
                    .addPolicies(policy(MeshNames.PEAK_EWMA_POLICY, Any.pack(PeakEwma.getDefaultInstance())))
                    .addPolicies(policy("envoy.load_balancing_policies.round_robin", Any.pack(RoundRobin.getDefaultInstance()))));
            case ROUND_ROBIN -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
            case LEAST_REQUEST -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
            case RANDOM -> c.setLbPolicy(Cluster.LbPolicy.RANDOM);
            case RING_HASH -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
        }
    }

    private static LoadBalancingPolicy.Policy policy(String name, Any config) {
        return LoadBalancingPolicy.Policy.newBuilder()
                .setTypedExtensionConfig(TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(config))
                .build();
    }

    private static CircuitBreakers circuitBreakers(ClusterPolicy.CircuitBreaker cb) {
        CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder()
                .setMaxConnections(UInt32Value.of(cb.maxConnections()))
                .setMaxPendingRequests(UInt32Value.of(cb.maxPendingRequests()))
                .setMaxRequests(UInt32Value.of(cb.maxRequests()))
                .setMaxRetries(UInt32Value.of(cb.maxRetries()));
        if (cb.retryBudgetPercent() > 0) {
            t.setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                    .setBudgetPercent(Percent.newBuilder().setValue(cb.retryBudgetPercent()))
                    .setMinRetryConcurrency(UInt32Value.of(cb.retryBudgetMinConcurrency())));
        }
        return CircuitBreakers.newBuilder().addThresholds(t).build();
    }

    private static OutlierDetection outlier(ClusterPolicy.OutlierDetection od) {
        OutlierDetection.Builder b = OutlierDetection.newBuilder()
                .setInterval(duration(od.interval()))
                .setBaseEjectionTime(duration(od.baseEjectionTime()))
                .setMaxEjectionPercent(UInt32Value.of(od.maxEjectionPercent()))
                .setEnforcingConsecutive5Xx(UInt32Value.of(od.consecutive5xx() > 0 ? 100 : 0))
                .setEnforcingSuccessRate(UInt32Value.of(od.successRateStdevFactor() > 0 ? 100 : 0))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(od.consecutiveGatewayErrors() > 0 ? 100 : 0));
        if (od.consecutive5xx() > 0) {
            b.setConsecutive5Xx(UInt32Value.of(od.consecutive5xx()));
        }
        if (od.consecutiveGatewayErrors() > 0) {
            b.setConsecutiveGatewayFailure(UInt32Value.of(od.consecutiveGatewayErrors()));
        }
        if (od.successRateStdevFactor() > 0) {
            b.setSuccessRateStdevFactor(UInt32Value.of(od.successRateStdevFactor()));
        }
        return b.build();
    }

    private static HealthCheck healthCheck(ClusterPolicy.HealthCheck hc, String host) {
        return HealthCheck.newBuilder()
                .setTimeout(duration(hc.timeout()))
                .setInterval(duration(hc.interval()))
                .setUnhealthyThreshold(UInt32Value.of(hc.unhealthyThreshold()))
                .setHealthyThreshold(UInt32Value.of(hc.healthyThreshold()))
                .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath(hc.path()).setHost(host))
                .build();
    }

    /** The sidecar's own app on loopback, with its endpoint inline (a STATIC cluster). */
    static Cluster inbound(ProxyNode node) {
        String name = MeshNames.inboundCluster(node.service());
        ClusterLoadAssignment cla = EndpointTranslator.assignment(name,
                List.of(new Endpoint(node.service(), "127.0.0.1", node.appPort(), Map.of(), node.id())));
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(duration(Duration.ofSeconds(2)))
                .setLoadAssignment(cla)
                .build();
    }

    static com.google.protobuf.Duration duration(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}
