package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.weft.proto.MeshNames;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.model.FilterOverride;
import io.weft.sidecar.model.FilterSpec;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.EndpointsSpec;
import io.weft.sidecar.model.HeaderSpec;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import io.weft.sidecar.model.WeightedCluster;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns xDS protobufs into Weft's domain records, refusing what Weft cannot honour with a message
 * that names the resource, the field and the expectation. Nothing past this class sees protobuf.
 * Immutable and thread-safe.
 */
public final class ResourceParser {
    private static final String FILTER_CONFIG_TYPE = MeshNames.TYPE_PREFIX + "envoy.config.route.v3.FilterConfig";
    private static final String LEGACY_ROUTER_NAME = "envoy.filters.http.router";

    private final FilterRegistry filters;

    public ResourceParser(FilterRegistry filters) {
        this.filters = Objects.requireNonNull(filters, "filters");
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
        return new ListenerSpec(l.getName(), hcm.getRds().getRouteConfigName(), httpFilters(hcm, where));
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
        List<RouteSpec> routes = new ArrayList<>();
        for (int i = 0; i < vh.getRoutesCount(); i++) {
            routes.add(route(vh.getRoutes(i), where + ".routes[" + i + "]"));
        }
        return new VirtualHostSpec(vh.getName(), vh.getDomainsList(), routes,
                overrides(vh.getTypedPerFilterConfigMap(), where));
    }

    private RouteSpec route(Route r, String where) throws InvalidResourceException {
        var m = r.getMatch();
        boolean cs = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
        PathSpec path = switch (m.getPathSpecifierCase()) {
            case PREFIX -> new PathSpec(PathSpec.Kind.PREFIX, m.getPrefix(), cs);
            case PATH -> new PathSpec(PathSpec.Kind.EXACT, m.getPath(), cs);
            case SAFE_REGEX -> new PathSpec(PathSpec.Kind.REGEX, regex(m.getSafeRegex().getRegex(), where + ".match.safe_regex"), cs);
            default -> throw new InvalidResourceException(where + ".match: " + m.getPathSpecifierCase()
                    + " (expected: prefix, path or safe_regex)");
        };
        List<HeaderSpec> headers = new ArrayList<>();
        for (int i = 0; i < m.getHeadersCount(); i++) {
            headers.add(header(m.getHeaders(i), where + ".match.headers[" + i + "]"));
        }
        if (!r.hasRoute()) {
            throw new InvalidResourceException(where + ": " + r.getActionCase() + " (expected: route)");
        }
        RouteAction a = r.getRoute();
        List<WeightedCluster> clusters = new ArrayList<>();
        switch (a.getClusterSpecifierCase()) {
            case CLUSTER -> clusters.add(new WeightedCluster(a.getCluster(), 1));
            case WEIGHTED_CLUSTERS -> {
                for (var cw : a.getWeightedClusters().getClustersList()) {
                    if (cw.getWeight().getValue() > 0) {
                        clusters.add(new WeightedCluster(cw.getName(), cw.getWeight().getValue()));
                    }
                }
                if (clusters.isEmpty()) {
                    throw new InvalidResourceException(where + ".route.weighted_clusters: all weights zero (expected: a positive total)");
                }
            }
            default -> throw new InvalidResourceException(where + ".route: " + a.getClusterSpecifierCase()
                    + " (expected: cluster or weighted_clusters)");
        }
        Optional<Duration> timeout = Optional.empty();
        if (a.hasTimeout()) {
            Duration t = Duration.ofSeconds(a.getTimeout().getSeconds(), a.getTimeout().getNanos());
            if (t.isNegative()) {
                throw new InvalidResourceException(where + ".route.timeout: " + t + " (expected: >= 0)");
            }
            timeout = t.isZero() ? Optional.empty() : Optional.of(t);
        }
        Optional<String> rewrite = a.getPrefixRewrite().isEmpty() ? Optional.empty() : Optional.of(a.getPrefixRewrite());
        return new RouteSpec(r.getName(), path, headers, clusters, timeout, rewrite,
                overrides(r.getTypedPerFilterConfigMap(), where));
    }

    private static HeaderSpec header(HeaderMatcher h, String where) throws InvalidResourceException {
        String name = h.getName().toLowerCase(java.util.Locale.ROOT);
        boolean invert = h.getInvertMatch();
        return switch (h.getHeaderMatchSpecifierCase()) {
            case STRING_MATCH -> {
                StringMatcher sm = h.getStringMatch();
                yield switch (sm.getMatchPatternCase()) {
                    case EXACT -> new HeaderSpec(name, HeaderSpec.Kind.EXACT, sm.getExact(), invert);
                    case PREFIX -> new HeaderSpec(name, HeaderSpec.Kind.PREFIX, sm.getPrefix(), invert);
                    case SUFFIX -> new HeaderSpec(name, HeaderSpec.Kind.SUFFIX, sm.getSuffix(), invert);
                    case CONTAINS -> new HeaderSpec(name, HeaderSpec.Kind.CONTAINS, sm.getContains(), invert);
                    case SAFE_REGEX -> new HeaderSpec(name, HeaderSpec.Kind.REGEX,
                            regex(sm.getSafeRegex().getRegex(), where + ".string_match.safe_regex"), invert);
                    default -> throw new InvalidResourceException(where + ".string_match: empty (expected: a pattern)");
                };
            }
            case EXACT_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.EXACT, h.getExactMatch(), invert);
            case PREFIX_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.PREFIX, h.getPrefixMatch(), invert);
            case PRESENT_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.PRESENT, "", invert != h.getPresentMatch());
            case SAFE_REGEX_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.REGEX,
                    regex(h.getSafeRegexMatch().getRegex(), where + ".safe_regex_match"), invert);
            case HEADERMATCHSPECIFIER_NOT_SET -> new HeaderSpec(name, HeaderSpec.Kind.PRESENT, "", invert);
            default -> throw new InvalidResourceException(where + ": " + h.getHeaderMatchSpecifierCase()
                    + " (expected: string_match, exact, prefix, present or safe_regex)");
        };
    }

    public static ClusterSpec cluster(Any any) throws InvalidResourceException {
        Cluster c = unpack(any, Cluster.class, "Cluster");
        String where = "Cluster " + c.getName();
        ClusterSpec.LbPolicy lb = switch (c.getLbPolicy()) {
            case ROUND_ROBIN -> ClusterSpec.LbPolicy.ROUND_ROBIN;
            case LEAST_REQUEST -> ClusterSpec.LbPolicy.LEAST_REQUEST;
            case RANDOM -> ClusterSpec.LbPolicy.RANDOM;
            case RING_HASH -> ClusterSpec.LbPolicy.RING_HASH;
            default -> throw new InvalidResourceException(where + ": lb_policy " + c.getLbPolicy()
                    + " (expected: ROUND_ROBIN, LEAST_REQUEST, RANDOM or RING_HASH)");
        };
        Duration connect = c.hasConnectTimeout()
                ? Duration.ofSeconds(c.getConnectTimeout().getSeconds(), c.getConnectTimeout().getNanos())
                : Duration.ofSeconds(5);
        if (connect.isZero() || connect.isNegative()) {
            throw new InvalidResourceException(where + ": connect_timeout " + connect + " (expected: > 0)");
        }
        ClusterSpec.Protocol protocol = protocol(c, where);
        return switch (c.getType()) {
            case EDS -> {
                String eds = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName();
                yield new ClusterSpec(c.getName(), Optional.of(eds), List.of(), lb, connect, protocol);
            }
            case STATIC -> new ClusterSpec(c.getName(), Optional.empty(),
                    endpoints(c.getLoadAssignment(), where + ": load_assignment").endpoints(), lb, connect, protocol);
            default -> throw new InvalidResourceException(where + ": type " + c.getType() + " (expected: EDS or STATIC)");
        };
    }

    private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    /** The upstream protocol from {@code typed_extension_protocol_options} (or the legacy http2 field). */
    private static ClusterSpec.Protocol protocol(Cluster c, String where) throws InvalidResourceException {
        Any opts = c.getTypedExtensionProtocolOptionsMap().get(HTTP_PROTOCOL_OPTIONS);
        if (opts == null) {
            return c.hasHttp2ProtocolOptions() ? ClusterSpec.Protocol.HTTP2 : ClusterSpec.Protocol.HTTP1;
        }
        HttpProtocolOptions o = unpack(opts, HttpProtocolOptions.class, where + ": typed_extension_protocol_options[" + HTTP_PROTOCOL_OPTIONS + "]");
        return switch (o.getUpstreamProtocolOptionsCase()) {
            case EXPLICIT_HTTP_CONFIG -> o.getExplicitHttpConfig().hasHttp2ProtocolOptions()
                    ? ClusterSpec.Protocol.HTTP2 : ClusterSpec.Protocol.HTTP1;
            case USE_DOWNSTREAM_PROTOCOL_CONFIG -> ClusterSpec.Protocol.DOWNSTREAM;
            case AUTO_CONFIG -> ClusterSpec.Protocol.DOWNSTREAM;
            case UPSTREAMPROTOCOLOPTIONS_NOT_SET -> ClusterSpec.Protocol.HTTP1;
        };
    }

    public static EndpointsSpec endpoints(Any any) throws InvalidResourceException {
        ClusterLoadAssignment cla = unpack(any, ClusterLoadAssignment.class, "ClusterLoadAssignment");
        return endpoints(cla, "ClusterLoadAssignment " + cla.getClusterName());
    }

    private static EndpointsSpec endpoints(ClusterLoadAssignment cla, String where) throws InvalidResourceException {
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
                out.add(new EndpointSpec(sa.getAddress(), sa.getPortValue(), Math.max(1, w), loc.getLocality().getZone()));
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

    private static String regex(String re, String where) throws InvalidResourceException {
        try {
            Pattern.compile(re);
            return re;
        } catch (PatternSyntaxException e) {
            throw new InvalidResourceException(where + ": \"" + re + "\" (expected: a valid regex: " + e.getDescription() + ")");
        }
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String where) throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": type " + any.getTypeUrl() + " (expected: " + type.getSimpleName()
                    + "; " + e.getMessage() + ")");
        }
    }
}
