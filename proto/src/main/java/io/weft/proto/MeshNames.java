package io.weft.proto;

/**
 * The naming contract between the control plane and its xDS clients: resource names, node metadata
 * keys and type URLs. Both sides compile against this class so the contract cannot drift.
 */
public final class MeshNames {
    /** The sidecar's listener for traffic from other proxies to its app. */
    public static final String INBOUND_LISTENER = "weft.inbound";
    /** The sidecar's listener for traffic from its app to the mesh. */
    public static final String OUTBOUND_LISTENER = "weft.outbound";
    /** The edge gateway's public listener. */
    public static final String EDGE_LISTENER = "weft.edge";
    /** Prefix of the cluster that points at the proxy's own app: {@code inbound|<service>}. */
    public static final String INBOUND_CLUSTER_PREFIX = "inbound|";

    /** SDS secret carrying the trust bundle (every root a workload must trust). */
    public static final String ROOT_CA_SECRET = "ROOTCA";
    /** SDS secret name of the workload's own certificate; served locally, its key never travels. */
    public static final String WORKLOAD_SECRET = "default";
    /** Name of the inbound authorization HTTP filter; typed config {@code weft.v1.Authorization}. */
    public static final String AUTHZ_FILTER = "weft.filters.http.authz";
    public static final String AUTHZ_TYPE = "type.googleapis.com/weft.v1.Authorization";

    // Node metadata keys a Weft proxy announces in its xDS Node (its self-registration).
    public static final String META_MODE = "weft.mode";
    public static final String META_SERVICE = "weft.service";
    public static final String META_NAMESPACE = "weft.namespace";
    public static final String META_ADDRESS = "weft.address";
    public static final String META_INBOUND_PORT = "weft.inbound_port";
    public static final String META_OUTBOUND_PORT = "weft.outbound_port";
    public static final String META_APP_PORT = "weft.app_port";
    public static final String META_EDGE_PORT = "weft.edge_port";
    public static final String META_LABELS = "weft.labels";
    /** Endpoint label that selects a service's version (subset). */
    public static final String VERSION_LABEL = "version";

    // Envoy v3 type URLs served over ADS.
    public static final String TYPE_PREFIX = "type.googleapis.com/";
    public static final String LISTENER_TYPE = TYPE_PREFIX + "envoy.config.listener.v3.Listener";
    public static final String ROUTE_TYPE = TYPE_PREFIX + "envoy.config.route.v3.RouteConfiguration";
    public static final String CLUSTER_TYPE = TYPE_PREFIX + "envoy.config.cluster.v3.Cluster";
    public static final String ENDPOINT_TYPE = TYPE_PREFIX + "envoy.config.endpoint.v3.ClusterLoadAssignment";
    public static final String SECRET_TYPE = TYPE_PREFIX + "envoy.extensions.transport_sockets.tls.v3.Secret";
    public static final String HCM_TYPE =
            TYPE_PREFIX + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    public static final String ROUTER_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.router.v3.Router";

    /** Name of the HCM tracing provider carrying a {@code weft.v1.OtlpTracing}. */
    public static final String OTLP_TRACER = "weft.tracers.otlp";
    /** Name of the HCM access log carrying a {@code weft.v1.JsonAccessLog}. */
    public static final String JSON_ACCESS_LOG = "weft.access_loggers.json";
    /** The JSON access log's fields, in their default order (docs/observability.md describes each). */
    public static final java.util.List<String> ACCESS_LOG_FIELDS = java.util.List.of("time", "trace_id", "span_id",
            "request_id", "node", "listener", "method", "authority", "path", "route", "cluster", "upstream", "status",
            "response_flags", "detail", "bytes_received", "bytes_sent", "duration_ms", "upstream_duration_ms", "attempts",
            "downstream_peer", "peer_identity");
    /** Name of the Peak-EWMA entry ({@code weft.v1.PeakEwma}) in a Cluster's load_balancing_policy. */
    public static final String PEAK_EWMA_POLICY = "weft.lb.peak_ewma";
    /** Name of the HTTP protocol options key in Cluster.typed_extension_protocol_options. */
    public static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private MeshNames() {
    }

    public static String inboundCluster(String service) {
        return INBOUND_CLUSTER_PREFIX + service;
    }

    /** Separates a service from its version in a subset cluster's name: {@code users@v2}. */
    public static final char SUBSET_SEPARATOR = '@';

    /** The cluster (and ClusterLoadAssignment) of one version of a service: endpoints labelled {@code version=<version>}. */
    /** The service a cluster belongs to: {@code users} for {@code users} and for a subset such as {@code users@v2}. */
    public static String serviceOf(String cluster) {
        int sep = cluster.indexOf(SUBSET_SEPARATOR);
        return sep < 0 ? cluster : cluster.substring(0, sep);
    }

    public static String subsetCluster(String service, String version) {
        return service + SUBSET_SEPARATOR + version;
    }
}
