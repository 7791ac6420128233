package io.weft.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.model.TelemetryConfig;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.MeshNames;
import java.util.List;

/**
 * Listeners: a sidecar's inbound and outbound listeners, an edge's public listener, and the API
 * listener proxyless gRPC clients ask for by the target's authority ({@code xds:///orders} → {@code orders}).
 * Pure functions of their arguments.
 */
public final class ListenerTranslator {
    /**
     * The edge's filters in chain order, off by default: a route turns one on with its config in
     * {@code typed_per_filter_config} under the same name (Envoy's per-route filter pattern).
     */
    private static final List<HttpFilter> EDGE_FILTERS = EdgeFilterNames.ORDER.stream()
            .map(name -> HttpFilter.newBuilder().setName(name).setDisabled(true)
                    .setTypedConfig(Any.pack(EdgeFilterNames.defaultConfig(name))).build())
            .toList();

    private ListenerTranslator() {
    }

    /** The listeners a Weft proxy gets for a wildcard LDS subscription, without telemetry settings. */
    public static List<Listener> forNode(ProxyNode node) {
        return forNode(node, TelemetryConfig.DEFAULT);
    }

    /** The listeners a Weft proxy gets for a wildcard LDS subscription. */
    public static List<Listener> forNode(ProxyNode node, TelemetryConfig telemetry) {
        return switch (node.mode()) {
            case SIDECAR -> List.of(
                    socketListener(MeshNames.INBOUND_LISTENER, "0.0.0.0", node.inboundPort(), RouteTranslator.inboundName(),
                            telemetry, List.of()),
                    socketListener(MeshNames.OUTBOUND_LISTENER, "127.0.0.1", node.outboundPort(), MeshNames.OUTBOUND_LISTENER,
                            telemetry, List.of()));
            case EDGE -> List.of(socketListener(MeshNames.EDGE_LISTENER, "0.0.0.0", node.edgePort(), MeshNames.EDGE_LISTENER,
                    telemetry, EDGE_FILTERS));
            case PROXYLESS -> List.of();
        };
    }

    /**
     * The API listener for {@code name} ({@code service} or {@code service:port}), routing through
     * the route configuration named after the service.
     */
    public static Listener api(String name, String service) {
        return Listener.newBuilder()
                .setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm(name, service).build())))
                .build();
    }

    private static Listener socketListener(String name, String ip, int port, String routeConfig, TelemetryConfig telemetry,
                                           List<HttpFilter> filters) {
        return Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress(ip).setPortValue(port)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(TelemetryTranslator.apply(hcm(name, routeConfig, filters), telemetry).build()))))
                .build();
    }

    private static HttpConnectionManager.Builder hcm(String statPrefix, String routeConfig) {
        return hcm(statPrefix, routeConfig, List.of());
    }

    private static HttpConnectionManager.Builder hcm(String statPrefix, String routeConfig, List<HttpFilter> filters) {
        return HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setRds(Rds.newBuilder()
                        .setRouteConfigName(routeConfig)
                        .setConfigSource(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)))
                .addAllHttpFilters(filters)
                // grpc-java requires the terminal filter to carry the Router typed config, not just its name.
                .addHttpFilters(HttpFilter.newBuilder()
                        .setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    }
}
