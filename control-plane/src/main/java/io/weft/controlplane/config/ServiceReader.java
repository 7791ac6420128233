package io.weft.controlplane.config;

import com.google.common.net.InetAddresses;
import io.weft.controlplane.model.ClusterPolicy;
import io.weft.controlplane.model.EndpointSpec;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads one entry of {@code services:} and the cluster policy it declares for its callers. */
final class ServiceReader {
    static final Set<String> SERVICE_KEYS = Set.of("namespace", "labels", "dependsOn", "protocol", "versions", "endpoints",
            "loadBalancer", "connectTimeout", "circuitBreaker", "outlierDetection", "healthCheck", "mtls");
    private static final Set<String> CB_KEYS = Set.of("maxConnections", "maxPendingRequests", "maxRequests", "maxRetries",
            "retryBudget");
    private static final Set<String> OD_KEYS = Set.of("consecutive5xx", "consecutiveGatewayErrors", "interval",
            "baseEjectionTime", "maxEjectionPercent", "successRateStdevFactor");
    private static final Set<String> HC_KEYS = Set.of("path", "interval", "timeout", "unhealthyThreshold", "healthyThreshold");
    private static final int MAX = 1_000_000;

    private ServiceReader() {
    }

    static ServiceSpec read(String name, YamlNode node) {
        node.allowKeys(SERVICE_KEYS);
        String ns = node.get("namespace").isMissing() ? "default" : node.get("namespace").name();
        ServiceSpec.Protocol protocol = node.get("protocol").optEnum(ServiceSpec.Protocol.class).orElse(ServiceSpec.Protocol.HTTP);
        List<String> versions = node.get("versions").list(YamlNode::name);
        if (new LinkedHashSet<>(versions).size() != versions.size()) {
            throw node.get("versions").error("a version listed twice", "distinct versions");
        }
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (YamlNode e : node.get("endpoints").list()) {
            endpoints.add(endpoint(e));
        }
        Optional<MtlsMode> mtls = node.get("mtls").optEnum(MtlsMode.class);
        return new ServiceSpec(name, ns, node.get("labels").stringMap(), node.get("dependsOn").stringList(), protocol,
                versions, endpoints, policy(node), mtls);
    }

    /** {@code "10.0.0.7:8080"} or {@code {address: 10.0.0.7, port: 8080, labels: {version: v2}}}. */
    private static EndpointSpec endpoint(YamlNode e) {
        String address;
        int port;
        Map<String, String> labels = Map.of();
        if (e.isMap()) {
            e.allowKeys(Set.of("address", "port", "labels"));
            address = e.get("address").requiredString();
            port = e.get("port").intValue(-1, 1, 65535);
            if (port < 0) {
                throw e.get("port").error("missing", "a port from 1 to 65535");
            }
            labels = e.get("labels").stringMap();
        } else {
            String s = e.requiredString();
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw e.error("an IP literal and a port, such as 10.0.0.7:8080 or [::1]:8080");
            }
            address = s.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException x) {
                throw e.error("an IP literal and a port, such as 10.0.0.7:8080 or [::1]:8080");
            }
            if (port < 1 || port > 65535) {
                throw e.error("a port from 1 to 65535");
            }
        }
        if (!InetAddresses.isInetAddress(address)) {
            throw (e.isMap() ? e.get("address") : e).error("an IP literal (xDS clients such as grpc-java refuse host names)");
        }
        return new EndpointSpec(address, port, labels);
    }

    private static ClusterPolicy policy(YamlNode node) {
        ClusterPolicy.LoadBalancer lb = node.get("loadBalancer").optEnum(ClusterPolicy.LoadBalancer.class)
                .orElse(ClusterPolicy.DEFAULT.loadBalancer());
        Duration connect = node.get("connectTimeout").duration(ClusterPolicy.DEFAULT.connectTimeout());
        return new ClusterPolicy(lb, connect, circuitBreaker(node.get("circuitBreaker")),
                outlier(node.get("outlierDetection")), healthCheck(node.get("healthCheck")));
    }

    private static Optional<ClusterPolicy.CircuitBreaker> circuitBreaker(YamlNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        n.allowKeys(CB_KEYS);
        YamlNode budget = n.get("retryBudget");
        budget.allowKeys(Set.of("percent", "minConcurrency"));
        if (!budget.isMissing() && budget.get("percent").isMissing()) {
            throw budget.get("percent").error("missing", "a percentage from 1 to 100");
        }
        // Envoy's defaults: 1024 connections, pending and requests, 3 retries.
        return Optional.of(new ClusterPolicy.CircuitBreaker(
                n.get("maxConnections").intValue(1024, 1, MAX),
                n.get("maxPendingRequests").intValue(1024, 1, MAX),
                n.get("maxRequests").intValue(1024, 1, MAX),
                n.get("maxRetries").intValue(3, 0, MAX),
                budget.get("percent").intValue(0, 1, 100),
                budget.get("minConcurrency").intValue(3, 0, MAX)));
    }

    private static Optional<ClusterPolicy.OutlierDetection> outlier(YamlNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        n.allowKeys(OD_KEYS);
        return Optional.of(new ClusterPolicy.OutlierDetection(
                n.get("consecutive5xx").intValue(5, 0, 1000),
                n.get("consecutiveGatewayErrors").intValue(0, 0, 1000),
                n.get("interval").duration(Duration.ofSeconds(10)),
                n.get("baseEjectionTime").duration(Duration.ofSeconds(30)),
                n.get("maxEjectionPercent").intValue(10, 0, 100),
                n.get("successRateStdevFactor").intValue(0, 0, 100_000)));
    }

    private static Optional<ClusterPolicy.HealthCheck> healthCheck(YamlNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        n.allowKeys(HC_KEYS);
        String path = RouteReader.path(n.get("path"));
        Duration interval = n.get("interval").duration(Duration.ofSeconds(5));
        Duration timeout = n.get("timeout").duration(Duration.ofSeconds(1));
        if (timeout.compareTo(interval) > 0) {
            throw n.get("timeout").error("a duration no longer than the interval (" + interval.toMillis() + "ms)");
        }
        return Optional.of(new ClusterPolicy.HealthCheck(path, interval, timeout,
                n.get("unhealthyThreshold").intValue(3, 1, 100), n.get("healthyThreshold").intValue(2, 1, 100)));
    }
}
