package io.weft.sidecar.route;

import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled route configuration: domain routing first (exact host, then the longest {@code *.suffix}
 * wildcard, then the longest {@code prefix*} wildcard, then {@code *}, as Envoy selects virtual
 * hosts), then the first matching route of that virtual host. Immutable and thread-safe.
 */
public final class RouteTable {
    private final String name;
    private final Map<String, List<Route>> exact;
    private final List<Map.Entry<String, List<Route>>> suffixes;
    private final List<Map.Entry<String, List<Route>>> prefixes;
    private final List<Route> any;
    private final List<String> clusters;

    private RouteTable(String name, Map<String, List<Route>> exact, List<Map.Entry<String, List<Route>>> suffixes,
                       List<Map.Entry<String, List<Route>>> prefixes, List<Route> any) {
        this.name = name;
        this.exact = exact;
        this.suffixes = suffixes;
        this.prefixes = prefixes;
        this.any = any;
        List<String> cs = new ArrayList<>();
        java.util.stream.Stream.of(exact.values().stream(), suffixes.stream().map(Map.Entry::getValue),
                        prefixes.stream().map(Map.Entry::getValue), java.util.stream.Stream.of(any))
                .flatMap(s -> s).flatMap(List::stream).flatMap(r -> r.clusters().stream()).distinct().forEach(cs::add);
        this.clusters = List.copyOf(cs);
    }

    /** Compiles a route configuration for one listener, with that listener's filter chains. */
    public static RouteTable compile(RouteConfigSpec spec, RouteCompiler compiler) {
        Map<String, List<Route>> exact = new HashMap<>();
        List<Map.Entry<String, List<Route>>> suffixes = new ArrayList<>();
        List<Map.Entry<String, List<Route>>> prefixes = new ArrayList<>();
        List<Route> any = null;
        for (VirtualHostSpec vh : spec.virtualHosts()) {
            List<Route> routes = vh.routes().stream().map(r -> Route.compile(vh, r, compiler)).toList();
            for (String d : vh.domains()) {
                String domain = d.toLowerCase(Locale.ROOT);
                if (domain.equals("*")) {
                    any = any == null ? routes : any;
                } else if (domain.startsWith("*")) {
                    suffixes.add(Map.entry(domain.substring(1), routes));
                } else if (domain.endsWith("*")) {
                    prefixes.add(Map.entry(domain.substring(0, domain.length() - 1), routes));
                } else {
                    exact.putIfAbsent(domain, routes);
                }
            }
        }
        Comparator<Map.Entry<String, List<Route>>> longestFirst =
                Comparator.comparingInt((Map.Entry<String, List<Route>> e) -> e.getKey().length()).reversed();
        suffixes.sort(longestFirst);
        prefixes.sort(longestFirst);
        return new RouteTable(spec.name(), Map.copyOf(exact), List.copyOf(suffixes), List.copyOf(prefixes),
                any == null ? List.of() : any);
    }

    public String name() {
        return name;
    }

    /** Every cluster a route configuration can send to, before it is compiled. */
    public static List<String> clustersOf(RouteConfigSpec spec) {
        return spec.virtualHosts().stream().flatMap(vh -> vh.routes().stream()).flatMap(r -> Route.clustersOf(r).stream())
                .distinct().toList();
    }

    /** Every cluster any route of this table can send to. */
    public List<String> clusters() {
        return clusters;
    }

    /** The virtual host's routes for a host (lower-cased, with or without port), if any. */
    public Optional<List<Route>> host(String host) {
        List<Route> r = exact.get(host);
        if (r != null) {
            return Optional.of(r);
        }
        for (Map.Entry<String, List<Route>> e : suffixes) {
            if (host.endsWith(e.getKey()) && host.length() > e.getKey().length()) {
                return Optional.of(e.getValue());
            }
        }
        for (Map.Entry<String, List<Route>> e : prefixes) {
            if (host.startsWith(e.getKey()) && host.length() > e.getKey().length()) {
                return Optional.of(e.getValue());
            }
        }
        return any.isEmpty() ? Optional.empty() : Optional.of(any);
    }

    /** The first route of the matching virtual host that matches the request. */
    public Optional<Route> match(String host, RequestView req) {
        Optional<List<Route>> routes = host(host);
        if (routes.isEmpty()) {
            return Optional.empty();
        }
        for (Route r : routes.get()) {
            if (r.matches(req)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
