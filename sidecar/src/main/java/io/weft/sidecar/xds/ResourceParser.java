package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.weft.proto.MeshNames;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.FilterOverride;
import io.weft.sidecar.model.FilterSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RetryPolicySpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns xDS protobufs into Weft's domain records, refusing what Weft cannot honour with a message
 * that names the resource, the field and the expectation. Nothing past the {@code xds} package sees
 * protobuf. Listeners and their HTTP filters are read here; route parts by {@link RouteParser};
 * clusters and endpoints by {@link ClusterParser}.
 * Immutable and thread-safe.
 */
public final class ResourceParser {
    private static final String FILTER_CONFIG_TYPE = MeshNames.TYPE_PREFIX + "envoy.config.route.v3.FilterConfig";
    private static final String LEGACY_ROUTER_NAME = "envoy.filters.http.router";

    private final FilterRegistry filters;

    public ResourceParser(FilterRegistry filters) {
        this.filters = Objects.requireNonNull(filters, "filters");
    }

    public static io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret secret(Any any) throws InvalidResourceException {
        return unpack(any, io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class, "Secret");
    }

    public ListenerSpec listener(Any any) throws InvalidResourceException {
        Listener l = unpack(any, Listener.class, "Listener");
        String where = "Listener " + l.getName();
        HttpConnectionManager hcm = null;
        if (l.hasApiListener()) {
            hcm = unpack(l.getApiListener().getApiListener(), HttpConnectionManager.class, where + ": api_listener");
        } else {
            for (FilterChain fc : l.getFilterChainsList()) {
                for (Filter f : fc.getFiltersList()) {
                    if (f.hasTypedConfig() && f.getTypedConfig().getTypeUrl().equals(MeshNames.HCM_TYPE)) {
                        hcm = unpack(f.getTypedConfig(), HttpConnectionManager.class, where + ": filter " + f.getName());
                    }
                }
            }
        }
        if (hcm == null) {
            throw new InvalidResourceException(where + ": no http_connection_manager (expected: an HTTP listener)");
        }
        if (!hcm.hasRds()) {
            throw new InvalidResourceException(where + ": http_connection_manager.route_specifier (expected: rds)");
        }
        if (hcm.getRds().getRouteConfigName().isEmpty()) {
            throw new InvalidResourceException(where + ": rds.route_config_name: empty (expected: a name)");
        }
        return new ListenerSpec(l.getName(), hcm.getRds().getRouteConfigName(), httpFilters(hcm, where),
                TelemetryParser.parse(hcm, where), SecurityParser.mode(l));
    }

    /** The HCM's filters before the router, which must come last. */
    private List<FilterSpec> httpFilters(HttpConnectionManager hcm, String where) throws InvalidResourceException {
        List<FilterSpec> out = new ArrayList<>();
        int n = hcm.getHttpFiltersCount();
        for (int i = 0; i < n; i++) {
            HttpFilter f = hcm.getHttpFilters(i);
            String at = where + ": http_filters[" + i + "] " + f.getName();
            boolean router = f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl().equals(MeshNames.ROUTER_TYPE)
                    : f.getName().equals(LEGACY_ROUTER_NAME);
            if (router) {
                if (i != n - 1) {
                    throw new InvalidResourceException(at + ": router at position " + i + " (expected: the last filter)");
                }
                continue;
            }
            if (!f.hasTypedConfig()) {
                throw new InvalidResourceException(at + ": " + f.getConfigTypeCase() + " (expected: typed_config)");
            }
            if (filters.factory(f.getTypedConfig().getTypeUrl()).isEmpty() && f.getIsOptional()) {
                continue;
            }
            try {
                out.add(new FilterSpec(f.getName(), filters.parse(f.getTypedConfig()), f.getDisabled()));
            } catch (FilterConfigException e) {
                throw new InvalidResourceException(at + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** A virtual host's or route's typed_per_filter_config, by filter name. */
    private Map<String, FilterOverride> overrides(Map<String, Any> perFilter, String where) throws InvalidResourceException {
        if (perFilter.isEmpty()) {
            return Map.of();
        }
        Map<String, FilterOverride> out = new LinkedHashMap<>();
        for (Map.Entry<String, Any> e : new TreeMap<>(perFilter).entrySet()) {
            String at = where + ".typed_per_filter_config[" + e.getKey() + "]";
            Any cfg = e.getValue();
            boolean optional = false;
            boolean disabled = false;
            if (cfg.getTypeUrl().equals(FILTER_CONFIG_TYPE)) {
                io.envoyproxy.envoy.config.route.v3.FilterConfig fc =
                        unpack(cfg, io.envoyproxy.envoy.config.route.v3.FilterConfig.class, at);
                optional = fc.getIsOptional();
                disabled = fc.getDisabled();
                if (!fc.hasConfig()) {
                    out.put(e.getKey(), new FilterOverride(Optional.empty(), disabled));
                    continue;
                }
                cfg = fc.getConfig();
            }
            if (filters.factory(cfg.getTypeUrl()).isEmpty() && optional) {
                continue;
            }
            try {
                out.put(e.getKey(), new FilterOverride(Optional.of(filters.parsePerRoute(cfg)), disabled));
            } catch (FilterConfigException ex) {
                throw new InvalidResourceException(at + ": " + ex.getMessage());
            }
        }
        return out;
    }

    public RouteConfigSpec routeConfig(Any any) throws InvalidResourceException {
        RouteConfiguration rc = unpack(any, RouteConfiguration.class, "RouteConfiguration");
        List<VirtualHostSpec> hosts = new ArrayList<>();
        for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
            hosts.add(virtualHost(rc.getVirtualHosts(i), "RouteConfiguration " + rc.getName() + ": virtual_hosts[" + i + "]"));
        }
        return new RouteConfigSpec(rc.getName(), hosts);
    }

    private VirtualHostSpec virtualHost(VirtualHost vh, String where) throws InvalidResourceException {
        if (vh.getDomainsCount() == 0) {
            throw new InvalidResourceException(where + ".domains: empty (expected: at least one domain)");
        }
        for (String d : vh.getDomainsList()) {
            int stars = d.length() - d.replace("*", "").length();
            if (stars > 1 || (stars == 1 && !d.startsWith("*") && !d.endsWith("*"))) {
                throw new InvalidResourceException(where + ".domains: \"" + d
                        + "\" (expected: a host, \"*\", a \"*\" prefix or a \"*\" suffix)");
            }
        }
        Optional<RetryPolicySpec> hostRetry = vh.hasRetryPolicy()
                ? Optional.of(RouteParser.retry(vh.getRetryPolicy(), where + ".retry_policy")) : Optional.empty();
        List<RouteSpec> routes = new ArrayList<>();
        for (int i = 0; i < vh.getRoutesCount(); i++) {
            routes.add(route(vh.getRoutes(i), hostRetry, where + ".routes[" + i + "]"));
        }
        return new VirtualHostSpec(vh.getName(), vh.getDomainsList(), routes,
                overrides(vh.getTypedPerFilterConfigMap(), where));
    }

    private RouteSpec route(Route r, Optional<RetryPolicySpec> hostRetry, String where) throws InvalidResourceException {
        var m = r.getMatch();
        return new RouteSpec(r.getName(), RouteParser.path(m, where),
                RouteParser.headers(m.getHeadersList(), where + ".match.headers"),
                RouteParser.queryParams(m.getQueryParametersList(), where + ".match.query_parameters"),
                RouteParser.action(r, hostRetry, where),
                overrides(r.getTypedPerFilterConfigMap(), where));
    }

    public ClusterSpec cluster(Any any) throws InvalidResourceException {
        return ClusterParser.cluster(any);
    }

    public EndpointsSpec endpoints(Any any) throws InvalidResourceException {
        return ClusterParser.endpoints(any);
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String where) throws InvalidResourceException {
        return Protos.unpack(any, type, where);
    }
}
