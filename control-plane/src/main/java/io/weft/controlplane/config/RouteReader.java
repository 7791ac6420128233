package io.weft.controlplane.config;

import io.weft.controlplane.model.HashPolicy;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.PathMatch;
import io.weft.controlplane.model.QueryMatch;
import io.weft.controlplane.model.RetrySpec;
import io.weft.controlplane.model.RewriteSpec;
import io.weft.controlplane.model.RouteMatch;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.controlplane.model.WeightedTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads virtual hosts and their routes. Checks shapes and values; cross-references are checked by the loader. */
final class RouteReader {
    private static final Set<String> VHOST_KEYS = Set.of("name", "domains", "routes");
    private static final Set<String> ROUTE_KEYS =
            Set.of("name", "match", "to", "split", "timeout", "prefixRewrite", "rewrite", "retry", "hashOn");
    private static final Set<String> EDGE_ROUTE_KEYS = java.util.stream.Stream.concat(ROUTE_KEYS.stream(),
            EdgeFiltersReader.ROUTE_KEYS.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> MATCH_KEYS = Set.of("prefix", "path", "regex", "method", "headers", "query");
    private static final Set<String> HEADER_KEYS = Set.of("name", "exact", "prefix", "regex", "present");
    private static final Set<String> SPLIT_KEYS = Set.of("to", "version", "weight");
    private static final Set<String> REWRITE_KEYS = Set.of("prefix", "regex", "substitution", "host");
    private static final Set<String> RETRY_KEYS = Set.of("attempts", "perTryTimeout", "conditions", "backoff");
    private static final Set<String> BACKOFF_KEYS = Set.of("base", "max");
    static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
    /** Envoy's retry_on vocabulary (HTTP and gRPC conditions). */
    static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request", "connect-failure",
            "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
            "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");

    private RouteReader() {
    }

    static VirtualHostSpec virtualHost(YamlNode vh) {
        return virtualHost(vh, false);
    }

    /** @param edge whether this is an edge virtual host, whose routes may carry edge policy (read later) */
    static VirtualHostSpec virtualHost(YamlNode vh, boolean edge) {
        vh.allowKeys(VHOST_KEYS);
        String name = vh.get("name").name();
        List<String> domains = vh.get("domains").isMissing() ? List.of(name) : vh.get("domains").stringList();
        if (domains.isEmpty()) {
            throw vh.get("domains").error("an empty list", "at least one domain");
        }
        for (int i = 0; i < domains.size(); i++) {
            String d = domains.get(i);
            if (!d.equals("*") && !d.matches("(\\*[.-])?[A-Za-z0-9.-]+(:[0-9]+|:\\*)?|[A-Za-z0-9.-]+[.-]\\*")) {
                throw vh.get("domains").list().get(i).error(
                        "a host name, optionally with a port, a leading \"*.\" or a trailing \".*\", or \"*\"");
            }
        }
        List<YamlNode> routeNodes = vh.get("routes").list();
        if (routeNodes.isEmpty()) {
            throw vh.get("routes").error("missing", "at least one route");
        }
        List<RouteSpec> routes = new ArrayList<>();
        for (int i = 0; i < routeNodes.size(); i++) {
            routes.add(route(routeNodes.get(i), name + "-" + i, edge));
        }
        return new VirtualHostSpec(name, domains, routes);
    }

    /** The nodes naming each target of a route, in the order of {@link RouteSpec#targets()}. */
    static List<YamlNode> targetNodes(YamlNode route) {
        if (!route.get("aggregate").isMissing()) {
            return EdgeAggregateReader.targetNodes(route.get("aggregate"));
        }
        if (route.get("split").isMissing()) {
            return List.of(route.get("to"));
        }
        return route.get("split").list().stream().map(t -> t.get("to")).toList();
    }

    private static RouteSpec route(YamlNode r, String defaultName, boolean edge) {
        r.allowKeys(edge ? EDGE_ROUTE_KEYS : ROUTE_KEYS);
        String name = r.get("name").optString().orElse(defaultName);
        RouteMatch match = match(r.get("match"));
        YamlNode to = r.get("to");
        YamlNode split = r.get("split");
        List<WeightedTarget> targets;
        YamlNode aggregate = r.get("aggregate");
        if (!aggregate.isMissing()) {
            if (!to.isMissing() || !split.isMissing()) {
                throw (to.isMissing() ? split : to).error("\"to\" or \"split\" on an aggregate route",
                        "no route target: the calls name theirs (aggregate.calls[].to)");
            }
            targets = EdgeAggregateReader.targets(aggregate);
        } else if (!to.isMissing() && !split.isMissing()) {
            throw split.error("both \"to\" and \"split\"", "exactly one of them");
        } else if (!to.isMissing()) {
            targets = List.of(target(to, 100));
        } else if (!split.isMissing()) {
            targets = split(split);
        } else {
            throw to.error("missing", "\"to: <service>\" or \"split: [{to, weight}]\"");
        }
        RewriteSpec rewrite = rewrite(r, match);
        return new RouteSpec(name, match, targets, r.get("timeout").optDuration(), rewrite, retry(r.get("retry")),
                hashOn(r.get("hashOn")));
    }

    /** {@code to: users} or {@code to: {service: users, version: v2}}. */
    static WeightedTarget target(YamlNode to, int weight) {
        if (to.isMap()) {
            to.allowKeys(Set.of("service", "version"));
            return new WeightedTarget(to.get("service").name(), to.get("version").isMissing()
                    ? Optional.empty() : Optional.of(to.get("version").name()), weight);
        }
        return new WeightedTarget(to.name(), weight);
    }

    private static List<WeightedTarget> split(YamlNode split) {
        List<WeightedTarget> targets = new ArrayList<>();
        int total = 0;
        for (YamlNode t : split.list()) {
            t.allowKeys(SPLIT_KEYS);
            int weight = t.get("weight").intValue(-1, 0, 100);
            if (weight < 0) {
                throw t.get("weight").error("missing", "an integer from 0 to 100");
            }
            WeightedTarget target = target(t.get("to"), weight);
            if (!t.get("version").isMissing()) {
                target = new WeightedTarget(target.service(), Optional.of(t.get("version").name()), weight);
            }
            targets.add(target);
            total += weight;
        }
        if (targets.isEmpty()) {
            throw split.error("an empty list", "at least one {to, weight}");
        }
        if (total != 100) {
            throw split.error("weights adding up to " + total, "weights adding up to 100");
        }
        return targets;
    }

    private static RewriteSpec rewrite(YamlNode r, RouteMatch match) {
        YamlNode legacy = r.get("prefixRewrite");
        YamlNode rw = r.get("rewrite");
        rw.allowKeys(REWRITE_KEYS);
        if (!legacy.isMissing() && !rw.get("prefix").isMissing()) {
            throw legacy.error("both prefixRewrite and rewrite.prefix", "one of them");
        }
        YamlNode prefixNode = legacy.isMissing() ? rw.get("prefix") : legacy;
        Optional<String> prefix = prefixNode.optString();
        if (prefix.isPresent() && !prefix.get().startsWith("/")) {
            throw prefixNode.error("a path starting with /");
        }
        if (prefix.isPresent() && match.path().kind() != PathMatch.Kind.PREFIX) {
            throw prefixNode.error("a prefix rewrite on a " + match.path().kind().name().toLowerCase(Locale.ROOT) + " match",
                    "a route that matches by prefix");
        }
        Optional<String> regex = rw.get("regex").isMissing() ? Optional.empty() : Optional.of(regex(rw.get("regex")));
        if (regex.isPresent() && prefix.isPresent()) {
            throw rw.get("regex").error("both a prefix and a regex rewrite", "one of them");
        }
        if (regex.isPresent() != !rw.get("substitution").isMissing()) {
            throw rw.error(regex.isPresent() ? "a regex without a substitution" : "a substitution without a regex",
                    "both regex and substitution, or neither");
        }
        String substitution = rw.get("substitution").optString().orElse("");
        Optional<String> host = rw.get("host").optString();
        if (host.isPresent() && !host.get().matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            throw rw.get("host").error("a host name, optionally with a port");
        }
        return new RewriteSpec(prefix, regex, substitution, host);
    }

    private static Optional<RetrySpec> retry(YamlNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        n.allowKeys(RETRY_KEYS);
        int attempts = n.get("attempts").intValue(1, 1, 10);
        List<String> on = n.get("conditions").isMissing() ? List.of("connect-failure", "refused-stream", "unavailable")
                : n.get("conditions").stringList();
        List<YamlNode> onNodes = n.get("conditions").list();
        for (int i = 0; i < onNodes.size(); i++) {
            if (!RETRY_ON.contains(on.get(i))) {
                throw onNodes.get(i).error("a retry condition, one of " + RETRY_ON.stream().sorted().toList());
            }
        }
        YamlNode backoff = n.get("backoff");
        backoff.allowKeys(BACKOFF_KEYS);
        Duration base = backoff.get("base").duration(Duration.ofMillis(25));
        Duration max = backoff.get("max").duration(base.multipliedBy(10));
        if (max.compareTo(base) < 0) {
            throw backoff.get("max").error("a duration >= backoff.base (" + base.toMillis() + "ms)");
        }
        return Optional.of(new RetrySpec(attempts, n.get("perTryTimeout").optDuration(), on, base, max));
    }

    private static Optional<HashPolicy> hashOn(YamlNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        n.allowKeys(Set.of("header", "cookie"));
        if (n.get("header").isMissing() == n.get("cookie").isMissing()) {
            throw n.error("exactly one of \"header\" or \"cookie\"");
        }
        return n.get("header").isMissing()
                ? Optional.of(new HashPolicy(HashPolicy.Source.COOKIE, n.get("cookie").requiredString()))
                : Optional.of(new HashPolicy(HashPolicy.Source.HEADER, headerName(n.get("header"))));
    }

    private static RouteMatch match(YamlNode m) {
        if (m.isMissing()) {
            return RouteMatch.any();
        }
        m.allowKeys(MATCH_KEYS);
        List<PathMatch> paths = new ArrayList<>();
        m.get("prefix").optString().ifPresent(v -> paths.add(new PathMatch(PathMatch.Kind.PREFIX, path(m.get("prefix")))));
        m.get("path").optString().ifPresent(v -> paths.add(new PathMatch(PathMatch.Kind.EXACT, path(m.get("path")))));
        m.get("regex").optString().ifPresent(v -> paths.add(new PathMatch(PathMatch.Kind.REGEX, regex(m.get("regex")))));
        if (paths.size() > 1) {
            throw m.error("more than one of prefix, path, regex", "at most one path match");
        }
        Optional<String> method = m.get("method").optString();
        if (method.isPresent() && !METHODS.contains(method.get())) {
            throw m.get("method").error("an HTTP method in upper case, one of " + METHODS.stream().sorted().toList());
        }
        List<HeaderMatch> headers = new ArrayList<>();
        for (YamlNode h : m.get("headers").list()) {
            headers.add(header(h, headerName(h.get("name"))));
        }
        List<QueryMatch> query = new ArrayList<>();
        for (YamlNode q : m.get("query").list()) {
            HeaderMatch hm = header(q, q.get("name").requiredString());
            query.add(new QueryMatch(hm.name(), hm.kind(), hm.value()));
        }
        return new RouteMatch(paths.isEmpty() ? PathMatch.prefix("/") : paths.get(0), method, headers, query);
    }

    /** {@code {name, exact|prefix|regex|present}}: exactly one way to compare. */
    static HeaderMatch header(YamlNode h, String name) {
        h.allowKeys(HEADER_KEYS);
        List<String> set = new ArrayList<>();
        for (String k : List.of("exact", "prefix", "regex", "present")) {
            if (!h.get(k).isMissing()) {
                set.add(k);
            }
        }
        if (set.size() != 1) {
            throw h.error(set.isEmpty() ? "no comparison" : "more than one of " + set,
                    "exactly one of \"exact\", \"prefix\", \"regex\" or \"present: true\"");
        }
        return switch (set.get(0)) {
            case "exact" -> new HeaderMatch(name, HeaderMatch.Kind.EXACT, h.get("exact").string());
            case "prefix" -> new HeaderMatch(name, HeaderMatch.Kind.PREFIX, h.get("prefix").requiredString());
            case "regex" -> new HeaderMatch(name, HeaderMatch.Kind.REGEX, regex(h.get("regex")));
            default -> {
                if (!h.get("present").bool(false)) {
                    throw h.get("present").error("true (to require the header; use a DENY policy to forbid it)");
                }
                yield new HeaderMatch(name, HeaderMatch.Kind.PRESENT, "");
            }
        };
    }

    static String headerName(YamlNode n) {
        String name = n.requiredString().toLowerCase(Locale.ROOT);
        if (!HEADER_NAME.matcher(name).matches()) {
            throw n.error("an HTTP header name (RFC 9110 token)");
        }
        return name;
    }

    static String path(YamlNode n) {
        String p = n.requiredString();
        if (!p.startsWith("/")) {
            throw n.error("a path starting with /");
        }
        return p;
    }

    static String regex(YamlNode n) {
        String r = n.requiredString();
        try {
            Pattern.compile(r);
        } catch (PatternSyntaxException e) {
            throw n.error("a valid regular expression (" + e.getDescription() + ")");
        }
        return r;
    }
}
