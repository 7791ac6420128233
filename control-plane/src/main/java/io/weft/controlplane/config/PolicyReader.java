package io.weft.controlplane.config;

import io.weft.controlplane.model.AuthorizationPolicy;
import io.weft.controlplane.model.EdgeListenerSpec;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.NamespaceSpec;
import io.weft.controlplane.model.PathMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the security team's and the edge's sections: mTLS, namespaces, authorization policies, edge listeners. */
final class PolicyReader {
    private static final Set<String> NAMESPACE_KEYS = Set.of("mtls", "defaultAction");
    private static final Set<String> POLICY_KEYS = Set.of("name", "service", "namespace", "action", "dryRun", "from", "to");
    private static final Set<String> SOURCE_KEYS = Set.of("spiffeId", "spiffePrefix", "namespace");
    private static final Set<String> OPERATION_KEYS = Set.of("paths", "methods", "headers");
    private static final Set<String> LISTENER_KEYS = Set.of("name", "port", "tls", "filters");
    private static final Set<String> TLS_KEYS = Set.of("certFile", "keyFile", "serverNames");
    /** Filter types the edge understands (see the edge gateway's filter packages). */
    static final Set<String> EDGE_FILTERS = Set.of("jwt", "api-key", "rate-limit", "transform", "cache", "aggregate",
            "cors", "ip-filter", "grpc-transcode", "grpc-web", "size-limit", "hsts", "api-version");

    private PolicyReader() {
    }

    static Optional<MtlsMode> mtls(YamlNode n) {
        return n.optEnum(MtlsMode.class);
    }

    static NamespaceSpec namespace(String name, YamlNode n) {
        n.allowKeys(NAMESPACE_KEYS);
        AuthorizationPolicy.Action dflt = n.get("defaultAction").optEnum(AuthorizationPolicy.Action.class)
                .orElse(AuthorizationPolicy.Action.ALLOW);
        return new NamespaceSpec(name, n.get("mtls").optEnum(MtlsMode.class), dflt == AuthorizationPolicy.Action.ALLOW);
    }

    static AuthorizationPolicy policy(YamlNode p, String defaultNamespace) {
        p.allowKeys(POLICY_KEYS);
        String name = p.get("name").name();
        Optional<String> service = p.get("service").isMissing() ? Optional.empty() : Optional.of(p.get("service").name());
        String ns = p.get("namespace").isMissing() ? defaultNamespace : p.get("namespace").name();
        AuthorizationPolicy.Action action = p.get("action").optEnum(AuthorizationPolicy.Action.class)
                .orElseThrow(() -> p.get("action").error("missing", "allow or deny"));
        List<AuthorizationPolicy.Source> from = new ArrayList<>();
        for (YamlNode s : p.get("from").list()) {
            from.add(source(s));
        }
        List<AuthorizationPolicy.Operation> to = new ArrayList<>();
        for (YamlNode o : p.get("to").list()) {
            to.add(operation(o));
        }
        return new AuthorizationPolicy(name, service, ns, action, p.get("dryRun").bool(false), from, to);
    }

    private static AuthorizationPolicy.Source source(YamlNode s) {
        s.allowKeys(SOURCE_KEYS);
        long set = SOURCE_KEYS.stream().filter(k -> !s.get(k).isMissing()).count();
        if (set != 1) {
            throw s.error("exactly one of \"spiffeId\", \"spiffePrefix\" or \"namespace\"");
        }
        Optional<String> id = s.get("spiffeId").optString();
        Optional<String> prefix = s.get("spiffePrefix").optString();
        for (String k : List.of("spiffeId", "spiffePrefix")) {
            Optional<String> v = s.get(k).optString();
            if (v.isPresent() && !v.get().startsWith("spiffe://")) {
                throw s.get(k).error("a SPIFFE id such as spiffe://weft.local/ns/default/sa/orders");
            }
        }
        Optional<String> ns = s.get("namespace").isMissing() ? Optional.empty() : Optional.of(s.get("namespace").name());
        return new AuthorizationPolicy.Source(id, prefix, ns);
    }

    /** Paths are exact, or prefixes when they end in {@code *} ({@code /users/*}). */
    private static AuthorizationPolicy.Operation operation(YamlNode o) {
        o.allowKeys(OPERATION_KEYS);
        List<PathMatch> paths = new ArrayList<>();
        for (YamlNode p : o.get("paths").list()) {
            String path = RouteReader.path(p);
            paths.add(path.endsWith("*") ? PathMatch.prefix(path.substring(0, path.length() - 1))
                    : new PathMatch(PathMatch.Kind.EXACT, path));
        }
        List<String> methods = o.get("methods").stringList();
        List<YamlNode> methodNodes = o.get("methods").list();
        for (int i = 0; i < methods.size(); i++) {
            if (!RouteReader.METHODS.contains(methods.get(i))) {
                throw methodNodes.get(i).error("an HTTP method in upper case, one of "
                        + RouteReader.METHODS.stream().sorted().toList());
            }
        }
        List<HeaderMatch> headers = new ArrayList<>();
        for (YamlNode h : o.get("headers").list()) {
            headers.add(RouteReader.header(h, RouteReader.headerName(h.get("name"))));
        }
        return new AuthorizationPolicy.Operation(paths, methods, headers);
    }

    static EdgeListenerSpec edgeListener(YamlNode l) {
        l.allowKeys(LISTENER_KEYS);
        String name = l.get("name").name();
        int port = l.get("port").intValue(0, 0, 65535);
        Optional<EdgeListenerSpec.Tls> tls = Optional.empty();
        YamlNode t = l.get("tls");
        if (!t.isMissing()) {
            t.allowKeys(TLS_KEYS);
            tls = Optional.of(new EdgeListenerSpec.Tls(t.get("certFile").requiredString(), t.get("keyFile").requiredString(),
                    t.get("serverNames").stringList()));
        }
        List<EdgeListenerSpec.Filter> filters = new ArrayList<>();
        for (YamlNode f : l.get("filters").list()) {
            f.allowKeys(Set.of("type", "config"));
            String type = f.get("type").requiredString();
            if (!EDGE_FILTERS.contains(type)) {
                throw f.get("type").error("an edge filter type, one of " + EDGE_FILTERS.stream().sorted().toList());
            }
            YamlNode config = f.get("config");
            if (!config.isMissing() && !config.isMap()) {
                throw config.error("a mapping of the filter's settings");
            }
            filters.add(new EdgeListenerSpec.Filter(type, plainMap(config)));
        }
        return new EdgeListenerSpec(name, port, tls, filters);
    }

    /** An immutable copy of a YAML mapping; nulls are refused (immutable collections cannot hold them). */
    private static Map<String, Object> plainMap(YamlNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : n.entries()) {
            out.put(e.getKey(), plain(e.getValue()));
        }
        return Map.copyOf(out);
    }

    private static Object plain(YamlNode n) {
        if (n.isMissing()) {
            throw n.error("missing", "a value (null is not allowed here)");
        }
        if (n.isMap()) {
            return plainMap(n);
        }
        if (n.raw() instanceof List<?>) {
            return n.list().stream().map(PolicyReader::plain).toList();
        }
        return n.raw();
    }
}
