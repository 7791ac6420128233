package io.weft.sidecar.testing;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.weft.proto.MeshNames;
import java.util.Arrays;

/** Builders for the standard Envoy resources the sidecar consumes, as a control plane would send them. */
public final class Xds {
    private Xds() {
    }

    /** A listener whose HCM uses RDS {@code routeConfig} and the given filters, then the router. */
    public static Listener listener(String name, String routeConfig, HttpFilter... filters) {
        HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfig)
                        .setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
        hcm.addAllHttpFilters(Arrays.asList(filters));
        hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())));
        return Listener.newBuilder().setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(1)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build()))))
                .build();
    }

    /** The outbound listener with route configuration {@code weft.outbound}. */
    public static Listener outbound(HttpFilter... filters) {
        return listener(MeshNames.OUTBOUND_LISTENER, MeshNames.OUTBOUND_LISTENER, filters);
    }

    public static HttpFilter filter(String name, Message config) {
        return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
    }

    public static RouteConfiguration routes(String name, VirtualHost... hosts) {
        return RouteConfiguration.newBuilder().setName(name).addAllVirtualHosts(Arrays.asList(hosts)).build();
    }

    public static VirtualHost host(String name, String domain, Route... routes) {
        return VirtualHost.newBuilder().setName(name).addDomains(domain).addAllRoutes(Arrays.asList(routes)).build();
    }

    public static Route.Builder route(String name, String prefix, String cluster) {
        return Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster));
    }

    /** An EDS cluster whose endpoints come under its own name. */
    public static Cluster.Builder edsCluster(String name) {
        return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1));
    }

    /** Endpoints on loopback ports, all in one locality of zone {@code zone}. */
    public static ClusterLoadAssignment endpoints(String cluster, String zone, int... ports) {
        LocalityLbEndpoints.Builder loc = LocalityLbEndpoints.newBuilder()
                .setLocality(Locality.newBuilder().setZone(zone)).setLoadBalancingWeight(UInt32Value.of(1));
        for (int p : ports) {
            loc.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                    .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(p)))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(loc).build();
    }

    public static ClusterLoadAssignment endpoints(String cluster, int... ports) {
        return endpoints(cluster, "", ports);
    }
}
