package io.weft.sidecar.route;

import io.weft.sidecar.filter.Filters;
import io.weft.sidecar.filter.Terminal;
import io.weft.sidecar.model.HeaderSpec;
import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.QueryParamSpec;
import io.weft.sidecar.model.RouteActionSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import io.weft.sidecar.model.WeightedCluster;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A compiled route: its matchers, regexes, filter chain and action prepared once when the snapshot
 * is built, so matching a request parses nothing. Immutable and thread-safe.
 */
public final class Route {
    private final String name;
    private final PathSpec path;
    private final Pattern pathRegex;
    private final List<Predicate<RequestView>> conditions;
    private final List<String> clusters;
    private final Filters filters;
    private final Terminal action;
    private final Optional<RouteActionSpec.Forward> forward;
    private final PathRewrite rewrite;
    private final int[] cumulativeWeights;

    private Route(RouteSpec spec, Filters filters, Terminal action) {
        this.name = spec.name();
        this.path = spec.path();
        this.pathRegex = spec.path().kind() == PathSpec.Kind.REGEX
                ? Pattern.compile(spec.path().value(), spec.path().caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE) : null;
        this.conditions = java.util.stream.Stream.concat(spec.headers().stream().map(Route::headerMatcher),
                spec.queryParams().stream().map(Route::queryMatcher)).toList();
        this.clusters = clustersOf(spec);
        this.filters = filters;
        this.action = action;
        this.forward = spec.action() instanceof RouteActionSpec.Forward f ? Optional.of(f) : Optional.empty();
        this.rewrite = forward.map(f -> PathRewrite.of(spec.path(), f.prefixRewrite(), f.regexRewrite()))
                .orElse(PathRewrite.of(spec.path(), Optional.empty(), Optional.empty()));
        this.cumulativeWeights = forward.map(f -> {
            int[] c = new int[f.clusters().size()];
            int total = 0;
            for (int i = 0; i < c.length; i++) {
                total += f.clusters().get(i).weight();
                c[i] = total;
            }
            return c;
        }).orElse(new int[0]);
    }

    static Route compile(VirtualHostSpec host, RouteSpec spec, RouteCompiler compiler) {
        return new Route(spec, compiler.chain(host, spec), compiler.action(spec));
    }

    /** Every cluster a route may send to (forward targets and mirrors). */
    static List<String> clustersOf(RouteSpec spec) {
        if (spec.action() instanceof RouteActionSpec.Forward f) {
            return java.util.stream.Stream.concat(f.clusters().stream().map(WeightedCluster::cluster),
                    f.mirrors().stream().map(RouteActionSpec.MirrorSpec::cluster)).distinct().toList();
        }
        return List.of();
    }

    public String name() {
        return name;
    }

    /** This route's filter chain, compiled. */
    public Filters filters() {
        return filters;
    }

    /** This route's action, compiled: the end of its chain. */
    public Terminal action() {
        return action;
    }

    public List<String> clusters() {
        return clusters;
    }

    /** For connections that leave the request path (WebSocket tunnels): a destination cluster by weight. */
    public Optional<String> pickCluster() {
        if (forward.isEmpty()) {
            return Optional.empty();
        }
        List<WeightedCluster> cs = forward.get().clusters();
        int r = java.util.concurrent.ThreadLocalRandom.current().nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return Optional.of(cs.get(i).cluster());
            }
        }
        return Optional.of(cs.getLast().cluster());
    }

    /** For connections that leave the request path (WebSocket tunnels): the path and query after the route's rewrite. */
    public String rewrite(String pathAndQuery) {
        return rewrite.apply(pathAndQuery);
    }

    boolean matches(RequestView req) {
        String p = req.path();
        String v = path.value();
        boolean pathOk = switch (path.kind()) {
            case PREFIX -> prefixMatches(p, v);
            case EXACT -> path.caseSensitive() ? p.equals(v) : p.equalsIgnoreCase(v);
            case REGEX -> pathRegex.matcher(p).matches();
            case SEPARATED_PREFIX -> (path.caseSensitive() ? p.startsWith(v) : p.regionMatches(true, 0, v, 0, v.length()))
                    && (p.length() == v.length() || p.charAt(v.length()) == '/' || v.endsWith("/"));
        };
        if (!pathOk) {
            return false;
        }
        for (Predicate<RequestView> c : conditions) {
            if (!c.test(req)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prefix match; a prefix ending in {@code /} also matches the path without that slash, so
     * {@code /admin} cannot avoid the route for {@code /admin/}.
     */
    private boolean prefixMatches(String p, String v) {
        boolean cs = path.caseSensitive();
        if (cs ? p.startsWith(v) : p.regionMatches(true, 0, v, 0, v.length())) {
            return true;
        }
        int bare = v.length() - 1;
        return bare > 0 && v.charAt(bare) == '/' && p.length() == bare && p.regionMatches(!cs, 0, v, 0, bare);
    }

    private static Predicate<String> valueTest(HeaderSpec.Kind kind, String value, boolean ignoreCase) {
        String want = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        Predicate<String> raw = switch (kind) {
            case EXACT -> v -> v.equals(want);
            case PREFIX -> v -> v.startsWith(want);
            case SUFFIX -> v -> v.endsWith(want);
            case CONTAINS -> v -> v.contains(want);
            case REGEX -> {
                Pattern re = Pattern.compile(value, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
                yield v -> re.matcher(v).matches();
            }
            case PRESENT -> v -> true;
        };
        return ignoreCase && kind != HeaderSpec.Kind.REGEX ? v -> raw.test(v.toLowerCase(Locale.ROOT)) : raw;
    }

    /** A compiled header condition (also {@code :method}, {@code :authority}, {@code :path}). */
    public static Predicate<RequestView> headerMatcher(HeaderSpec h) {
        String name = h.name();
        Predicate<String> test = valueTest(h.kind(), h.value(), false);
        boolean invert = h.invert();
        if (name.equals(":method")) {
            return req -> test.test(req.method()) != invert;
        }
        if (name.equals(":authority")) {
            return req -> {
                String v = req.header("host");
                return (v != null && test.test(v.toLowerCase(Locale.ROOT))) != invert;
            };
        }
        if (name.equals(":path")) {
            return req -> test.test(req.path()) != invert;
        }
        return req -> {
            String v = req.header(name);
            return (v != null && test.test(v)) != invert;
        };
    }

    private static Predicate<RequestView> queryMatcher(QueryParamSpec q) {
        Predicate<String> test = valueTest(q.kind(), q.value(), q.ignoreCase());
        String name = q.name();
        return req -> {
            String v = req.queryParam(name);
            return v != null && test.test(v);
        };
    }
}
