package io.weft.sidecar.route;

import io.weft.sidecar.filter.Filters;
import io.weft.sidecar.model.HeaderSpec;
import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import io.weft.sidecar.model.WeightedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A compiled route: its matchers, regexes and weights prepared once when the snapshot is built,
 * so matching a request allocates nothing and parses nothing. Immutable and thread-safe.
 */
public final class Route {
    private final String name;
    private final PathSpec path;
    private final Pattern pathRegex;
    private final List<Predicate<RequestView>> headerMatchers;
    private final String[] clusters;
    private final int[] cumulativeWeights;
    private final Optional<Duration> timeout;
    private final Optional<String> prefixRewrite;
    private final Filters filters;

    private Route(RouteSpec spec, Filters filters) {
        this.name = spec.name();
        this.filters = filters;
        this.path = spec.path();
        this.pathRegex = spec.path().kind() == PathSpec.Kind.REGEX
                ? Pattern.compile(spec.path().value(), spec.path().caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE) : null;
        this.headerMatchers = spec.headers().stream().map(Route::headerMatcher).toList();
        this.clusters = spec.clusters().stream().map(WeightedCluster::cluster).toArray(String[]::new);
        this.cumulativeWeights = new int[clusters.length];
        int total = 0;
        for (int i = 0; i < clusters.length; i++) {
            total += spec.clusters().get(i).weight();
            cumulativeWeights[i] = total;
        }
        this.timeout = spec.timeout();
        this.prefixRewrite = spec.prefixRewrite();
    }

    static Route compile(VirtualHostSpec host, RouteSpec spec, ChainCompiler chains) {
        return new Route(spec, chains.compile(host, spec));
    }

    public String name() {
        return name;
    }

    /** This route's filter chain, compiled. */
    public Filters filters() {
        return filters;
    }

    public Optional<Duration> timeout() {
        return timeout;
    }

    /** Every cluster this route may send to. */
    public List<String> clusters() {
        return List.of(clusters);
    }

    boolean matches(RequestView req) {
        String p = req.path();
        boolean pathOk = switch (path.kind()) {
            case PREFIX -> prefixMatches(p);
            case EXACT -> path.caseSensitive() ? p.equals(path.value()) : p.equalsIgnoreCase(path.value());
            case REGEX -> pathRegex.matcher(p).matches();
        };
        if (!pathOk) {
            return false;
        }
        for (Predicate<RequestView> h : headerMatchers) {
            if (!h.test(req)) {
                return false;
            }
        }
        return true;
    }

    /** Picks a destination cluster by weight. */
    public String pickCluster() {
        if (clusters.length == 1) {
            return clusters[0];
        }
        int r = ThreadLocalRandom.current().nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return clusters[i];
            }
        }
        return clusters[clusters.length - 1];
    }

    /** The path (with query) to send upstream, after any prefix rewrite. */
    public String rewrite(String pathAndQuery) {
        if (prefixRewrite.isEmpty() || path.kind() != PathSpec.Kind.PREFIX) {
            return pathAndQuery;
        }
        String rest = pathAndQuery.substring(Math.min(path.value().length(), pathAndQuery.length()));
        if (pathAndQuery.length() < path.value().length() || pathAndQuery.charAt(path.value().length() - 1) == '?') {
            rest = pathAndQuery.substring(path.value().length() - 1); // the bare form of a "/"-terminated prefix
        }
        String prefix = prefixRewrite.get();
        if (prefix.endsWith("/") && rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        String out = prefix + rest;
        return out.startsWith("/") ? out : "/" + out;
    }

    private static Predicate<RequestView> headerMatcher(HeaderSpec h) {
        String name = h.name();
        Predicate<String> valueTest = switch (h.kind()) {
            case EXACT -> v -> v.equals(h.value());
            case PREFIX -> v -> v.startsWith(h.value());
            case SUFFIX -> v -> v.endsWith(h.value());
            case CONTAINS -> v -> v.contains(h.value());
            case REGEX -> {
                Pattern re = Pattern.compile(h.value());
                yield v -> re.matcher(v).matches();
            }
            case PRESENT -> v -> true;
        };
        boolean invert = h.invert();
        if (name.equals(":method")) {
            return req -> valueTest.test(req.method()) != invert;
        }
        if (name.equals(":authority")) {
            return req -> {
                String v = req.header("host");
                return (v != null && valueTest.test(v.toLowerCase(Locale.ROOT))) != invert;
            };
        }
        return req -> {
            String v = req.header(name);
            return (v != null && valueTest.test(v)) != invert;
        };
    }

    /**
     * Prefix match; a prefix ending in {@code /} also matches the path without that slash, so
     * {@code /admin} cannot avoid the route for {@code /admin/}.
     */
    private boolean prefixMatches(String p) {
        String v = path.value();
        boolean cs = path.caseSensitive();
        if (cs ? p.startsWith(v) : p.regionMatches(true, 0, v, 0, v.length())) {
            return true;
        }
        int bare = v.length() - 1;
        return bare > 0 && v.charAt(bare) == '/' && p.length() == bare && p.regionMatches(!cs, 0, v, 0, bare);
    }
}
