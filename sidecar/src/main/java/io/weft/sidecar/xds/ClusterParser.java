package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Int64Range;
import io.weft.proto.v1.PeakEwma;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.HealthCheckSpec;
import io.weft.sidecar.model.LbSpec;
import io.weft.sidecar.model.LimitsSpec;
import io.weft.sidecar.model.OutlierSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cluster and ClusterLoadAssignment → domain records: load-balancing policy (Weft's PeakEwma first
 * in {@code load_balancing_policy}, else the standard ones, else {@code lb_policy}), circuit-breaker
 * thresholds, outlier detection, the first HTTP health check, and the upstream protocol. Stateless.
 */
final class ClusterParser {
    private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    private static final String TYPE = "type.googleapis.com/";

    private ClusterParser() {
    }

    static ClusterSpec cluster(Any any) throws InvalidResourceException {
        Cluster c = Protos.unpack(any, Cluster.class, "Cluster");
        String where = "Cluster " + c.getName();
        Duration connect = Protos.positive(c.hasConnectTimeout(), c.getConnectTimeout(), Duration.ofSeconds(5),
                where + ": connect_timeout");
        LbSpec lb = lb(c, where);
        LimitsSpec limits = limits(c.getCircuitBreakers(), where);
        Optional<OutlierSpec> outlier = c.hasOutlierDetection() ? Optional.of(outlier(c.getOutlierDetection(), where))
                : Optional.empty();
        Optional<HealthCheckSpec> hc = Optional.empty();
        if (c.getHealthChecksCount() > 0) {
            hc = Optional.of(healthCheck(c.getHealthChecks(0), where + ": health_checks[0]"));
        }
        ClusterSpec.Protocol protocol = protocol(c, where);
        return switch (c.getType()) {
            case EDS -> {
                String eds = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName();
                yield new ClusterSpec(c.getName(), Optional.of(eds), List.of(), lb, connect, protocol, limits, outlier, hc,
                        SecurityParser.upstream(c));
            }
            case STATIC -> new ClusterSpec(c.getName(), Optional.empty(),
                    endpoints(c.getLoadAssignment(), where + ": load_assignment").endpoints(), lb, connect, protocol,
                    limits, outlier, hc);
            default -> throw new InvalidResourceException(where + ": type " + c.getType() + " (expected: EDS or STATIC)");
        };
    }

    private static LbSpec lb(Cluster c, String where) throws InvalidResourceException {
        if (c.hasLoadBalancingPolicy()) {
            LoadBalancingPolicy p = c.getLoadBalancingPolicy();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < p.getPoliciesCount(); i++) {
                Any cfg = p.getPolicies(i).getTypedExtensionConfig().getTypedConfig();
                String at = where + ": load_balancing_policy.policies[" + i + "]";
                seen.add(cfg.getTypeUrl());
                switch (cfg.getTypeUrl().substring(cfg.getTypeUrl().lastIndexOf('/') + 1)) {
                    case "weft.v1.PeakEwma" -> {
                        PeakEwma e = Protos.unpack(cfg, PeakEwma.class, at);
                        return new LbSpec(LbSpec.Policy.PEAK_EWMA,
                                Protos.positive(e.hasDecay(), e.getDecay(), LbSpec.DEFAULT_DECAY, at + ".decay"),
                                Protos.positive(e.hasDefaultRtt(), e.getDefaultRtt(), LbSpec.DEFAULT_RTT, at + ".default_rtt"),
                                LbSpec.DEFAULT_RING, Duration.ZERO);
                    }
                    case "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin" -> {
                        RoundRobin r = Protos.unpack(cfg, RoundRobin.class, at);
                        return withSlowStart(LbSpec.of(LbSpec.Policy.ROUND_ROBIN), r.hasSlowStartConfig(), r.getSlowStartConfig());
                    }
                    case "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest" -> {
                        LeastRequest r = Protos.unpack(cfg, LeastRequest.class, at);
                        return withSlowStart(LbSpec.of(LbSpec.Policy.LEAST_REQUEST), r.hasSlowStartConfig(), r.getSlowStartConfig());
                    }
                    case "envoy.extensions.load_balancing_policies.random.v3.Random" -> {
                        return LbSpec.of(LbSpec.Policy.RANDOM);
                    }
                    case "envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash" -> {
                        RingHash r = Protos.unpack(cfg, RingHash.class, at);
                        return ringHash(r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : LbSpec.DEFAULT_RING, at);
                    }
                    default -> {
                        // not one Weft knows: try the next, as Envoy does
                    }
                }
            }
            throw new InvalidResourceException(where + ": load_balancing_policy: " + seen
                    + " (expected: one of weft.v1.PeakEwma, RoundRobin, LeastRequest, Random, RingHash)");
        }
        return switch (c.getLbPolicy()) {
            case ROUND_ROBIN -> withSlowStart(LbSpec.of(LbSpec.Policy.ROUND_ROBIN),
                    c.getRoundRobinLbConfig().getSlowStartConfig().hasSlowStartWindow(),
                    c.getRoundRobinLbConfig().getSlowStartConfig().getSlowStartWindow());
            case LEAST_REQUEST -> withSlowStart(LbSpec.of(LbSpec.Policy.LEAST_REQUEST),
                    c.getLeastRequestLbConfig().getSlowStartConfig().hasSlowStartWindow(),
                    c.getLeastRequestLbConfig().getSlowStartConfig().getSlowStartWindow());
            case RANDOM -> LbSpec.of(LbSpec.Policy.RANDOM);
            case RING_HASH -> ringHash(c.getRingHashLbConfig().hasMinimumRingSize()
                    ? c.getRingHashLbConfig().getMinimumRingSize().getValue() : LbSpec.DEFAULT_RING, where + ": ring_hash_lb_config");
            default -> throw new InvalidResourceException(where + ": lb_policy " + c.getLbPolicy()
                    + " (expected: ROUND_ROBIN, LEAST_REQUEST, RANDOM or RING_HASH)");
        };
    }

    private static LbSpec ringHash(long size, String where) throws InvalidResourceException {
        if (size < 1 || size > 8_388_608) {
            throw new InvalidResourceException(where + ".minimum_ring_size: " + size + " (expected: 1 to 8388608)");
        }
        return new LbSpec(LbSpec.Policy.RING_HASH, LbSpec.DEFAULT_DECAY, LbSpec.DEFAULT_RTT, (int) size, Duration.ZERO);
    }

    private static LbSpec withSlowStart(LbSpec lb, boolean set, SlowStartConfig s) {
        return withSlowStart(lb, set && s.hasSlowStartWindow(), s.getSlowStartWindow());
    }

    private static LbSpec withSlowStart(LbSpec lb, boolean set, com.google.protobuf.Duration window) {
        if (!set) {
            return lb;
        }
        return new LbSpec(lb.policy(), lb.ewmaDecay(), lb.ewmaDefaultRtt(), lb.ringSize(), Protos.duration(window));
    }

    private static LimitsSpec limits(CircuitBreakers cb, String where) throws InvalidResourceException {
        for (CircuitBreakers.Thresholds t : cb.getThresholdsList()) {
            if (t.getPriority() != RoutingPriority.DEFAULT) {
                continue;
            }
            int maxRequests = t.hasMaxRequests() ? t.getMaxRequests().getValue() : LimitsSpec.DEFAULTS.maxRequests();
            if (maxRequests < 1) {
                throw new InvalidResourceException(where + ": circuit_breakers.thresholds.max_requests: " + maxRequests
                        + " (expected: >= 1)");
            }
            int maxRetries = t.hasMaxRetries() ? t.getMaxRetries().getValue() : LimitsSpec.DEFAULTS.maxRetries();
            double budget = -1;
            int minConcurrency = 3;
            if (t.hasRetryBudget()) {
                budget = t.getRetryBudget().hasBudgetPercent() ? t.getRetryBudget().getBudgetPercent().getValue() : 20.0;
                minConcurrency = t.getRetryBudget().hasMinRetryConcurrency() ? t.getRetryBudget().getMinRetryConcurrency().getValue() : 3;
            }
            return new LimitsSpec(maxRequests, maxRetries, budget, minConcurrency);
        }
        return LimitsSpec.DEFAULTS;
    }

    private static OutlierSpec outlier(OutlierDetection o, String where) throws InvalidResourceException {
        String at = where + ": outlier_detection";
        int enforce5xx = o.hasEnforcingConsecutive5Xx() ? o.getEnforcingConsecutive5Xx().getValue() : 100;
        int enforceGw = o.hasEnforcingConsecutiveGatewayFailure() ? o.getEnforcingConsecutiveGatewayFailure().getValue() : 0;
        int enforceSr = o.hasEnforcingSuccessRate() ? o.getEnforcingSuccessRate().getValue() : 100;
        int maxPercent = o.hasMaxEjectionPercent() ? o.getMaxEjectionPercent().getValue() : 10;
        if (maxPercent > 100) {
            throw new InvalidResourceException(at + ".max_ejection_percent: " + maxPercent + " (expected: 0 to 100)");
        }
        return new OutlierSpec(
                enforce5xx == 0 ? 0 : (o.hasConsecutive5Xx() ? o.getConsecutive5Xx().getValue() : 5),
                enforceGw == 0 ? 0 : (o.hasConsecutiveGatewayFailure() ? o.getConsecutiveGatewayFailure().getValue() : 5),
                Protos.positive(o.hasInterval(), o.getInterval(), Duration.ofSeconds(10), at + ".interval"),
                Protos.positive(o.hasBaseEjectionTime(), o.getBaseEjectionTime(), Duration.ofSeconds(30), at + ".base_ejection_time"),
                Protos.positive(o.hasMaxEjectionTime(), o.getMaxEjectionTime(), Duration.ofSeconds(300), at + ".max_ejection_time"),
                maxPercent,
                enforceSr == 0 ? 0 : (o.hasSuccessRateMinimumHosts() ? o.getSuccessRateMinimumHosts().getValue() : 5),
                o.hasSuccessRateRequestVolume() ? o.getSuccessRateRequestVolume().getValue() : 100,
                o.hasSuccessRateStdevFactor() ? o.getSuccessRateStdevFactor().getValue() : 1900);
    }

    private static HealthCheckSpec healthCheck(HealthCheck h, String where) throws InvalidResourceException {
        if (!h.hasHttpHealthCheck()) {
            throw new InvalidResourceException(where + ": " + h.getHealthCheckerCase() + " (expected: http_health_check)");
        }
        HealthCheck.HttpHealthCheck http = h.getHttpHealthCheck();
        if (!http.getPath().startsWith("/")) {
            throw new InvalidResourceException(where + ".http_health_check.path: \"" + http.getPath() + "\" (expected: starting with /)");
        }
        long low = 200;
        long high = 201;
        if (http.getExpectedStatusesCount() > 0) {
            Int64Range r = http.getExpectedStatuses(0);
            low = r.getStart();
            high = r.getEnd();
            if (low < 100 || high > 600 || low >= high) {
                throw new InvalidResourceException(where + ".http_health_check.expected_statuses[0]: [" + low + ", " + high
                        + ") (expected: a range within [100, 600))");
            }
        }
        return new HealthCheckSpec(http.getPath(), http.getHost(),
                Protos.positive(h.hasInterval(), h.getInterval(), Duration.ofSeconds(10), where + ".interval"),
                Protos.positive(h.hasTimeout(), h.getTimeout(), Duration.ofSeconds(1), where + ".timeout"),
                h.hasUnhealthyThreshold() ? Math.max(1, h.getUnhealthyThreshold().getValue()) : 2,
                h.hasHealthyThreshold() ? Math.max(1, h.getHealthyThreshold().getValue()) : 1,
                (int) low, (int) high);
    }

    /** The upstream protocol from {@code typed_extension_protocol_options} (or the legacy http2 field). */
    @SuppressWarnings("deprecation") // Cluster.http2_protocol_options: the legacy way to ask for HTTP/2
    private static ClusterSpec.Protocol protocol(Cluster c, String where) throws InvalidResourceException {
        Any opts = c.getTypedExtensionProtocolOptionsMap().get(HTTP_PROTOCOL_OPTIONS);
        if (opts == null) {
            return c.hasHttp2ProtocolOptions() ? ClusterSpec.Protocol.HTTP2 : ClusterSpec.Protocol.HTTP1;
        }
        HttpProtocolOptions o = Protos.unpack(opts, HttpProtocolOptions.class,
                where + ": typed_extension_protocol_options[" + HTTP_PROTOCOL_OPTIONS + "]");
        return switch (o.getUpstreamProtocolOptionsCase()) {
            case EXPLICIT_HTTP_CONFIG -> o.getExplicitHttpConfig().hasHttp2ProtocolOptions()
                    ? ClusterSpec.Protocol.HTTP2 : ClusterSpec.Protocol.HTTP1;
            case USE_DOWNSTREAM_PROTOCOL_CONFIG, AUTO_CONFIG -> ClusterSpec.Protocol.DOWNSTREAM;
            case UPSTREAMPROTOCOLOPTIONS_NOT_SET -> ClusterSpec.Protocol.HTTP1;
        };
    }

    static EndpointsSpec endpoints(Any any) throws InvalidResourceException {
        ClusterLoadAssignment cla = Protos.unpack(any, ClusterLoadAssignment.class, "ClusterLoadAssignment");
        return endpoints(cla, "ClusterLoadAssignment " + cla.getClusterName());
    }

    static EndpointsSpec endpoints(ClusterLoadAssignment cla, String where) throws InvalidResourceException {
        List<EndpointSpec> out = new ArrayList<>();
        for (int i = 0; i < cla.getEndpointsCount(); i++) {
            LocalityLbEndpoints loc = cla.getEndpoints(i);
            for (int j = 0; j < loc.getLbEndpointsCount(); j++) {
                LbEndpoint lbe = loc.getLbEndpoints(j);
                String at = where + ".endpoints[" + i + "].lb_endpoints[" + j + "]";
                var sa = lbe.getEndpoint().getAddress().getSocketAddress();
                if (!isIpLiteral(sa.getAddress())) {
                    throw new InvalidResourceException(at + ": address \"" + sa.getAddress() + "\" (expected: an IP literal)");
                }
                if (sa.getPortValue() <= 0 || sa.getPortValue() > 65535) {
                    throw new InvalidResourceException(at + ": port " + sa.getPortValue() + " (expected: 1 to 65535)");
                }
                int w = lbe.hasLoadBalancingWeight() ? lbe.getLoadBalancingWeight().getValue() : 1;
                HealthStatus hs = lbe.getHealthStatus();
                boolean healthy = hs != HealthStatus.UNHEALTHY && hs != HealthStatus.DRAINING && hs != HealthStatus.TIMEOUT;
                out.add(new EndpointSpec(sa.getAddress(), sa.getPortValue(), Math.max(1, w), loc.getLocality().getZone(), healthy));
            }
        }
        return new EndpointsSpec(cla.getClusterName(), out);
    }

    static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.matches("[0-9a-fA-F:.]+");
        }
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            return InetAddress.getByName(s) != null; // literal: no lookup happens
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
