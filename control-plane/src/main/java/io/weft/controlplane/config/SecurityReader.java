package io.weft.controlplane.config;

import io.weft.controlplane.model.AuthzPolicySpec;
import io.weft.controlplane.model.AuthzPolicySpec.Principal;
import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.SecuritySpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.proto.identity.SpiffeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code security} section of the mesh YAML (and each service's {@code mtls} key) into a
 * validated {@link SecuritySpec}. Every name it references must exist: a typo in a security policy
 * must be refused, never silently match nothing.
 */
final class SecurityReader {
    private static final Set<String> SECURITY_KEYS = Set.of("mtls", "authorization");
    private static final Set<String> MTLS_KEYS = Set.of("mode", "namespaces");
    private static final Set<String> AUTHZ_KEYS = Set.of("defaults", "policies");
    private static final Set<String> POLICY_KEYS = Set.of("name", "namespace", "to", "action", "dryRun", "from", "match");
    private static final Set<String> FROM_KEYS = Set.of("id", "idPrefix", "namespace", "unauthenticated");
    private static final Set<String> MATCH_KEYS = Set.of("paths", "prefixes", "methods", "headers");
    private static final Set<String> HEADER_KEYS = Set.of("name", "exact", "regex");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private SecurityReader() {
    }

    /**
     * @param security     the {@code security} node (missing: defaults)
     * @param services     the declared services
     * @param serviceNodes their YAML nodes, for each service's {@code mtls}
     */
    static SecuritySpec read(YamlNode security, String trustDomain, Map<String, ServiceSpec> services,
                             Map<String, YamlNode> serviceNodes) {
        Set<String> namespaces = new TreeSet<>();
        services.values().forEach(s -> namespaces.add(s.namespace()));
        security.allowKeys(SECURITY_KEYS);
        YamlNode mtls = security.get("mtls");
        mtls.allowKeys(MTLS_KEYS);
        MtlsMode meshMode = mtls.get("mode").isMissing() ? MtlsMode.PERMISSIVE : mode(mtls.get("mode"));
        Map<String, MtlsMode> nsModes = new LinkedHashMap<>();
        for (var e : mtls.get("namespaces").entries()) {
            nsModes.put(namespace(e.getValue(), e.getKey(), namespaces), mode(e.getValue()));
        }
        Map<String, MtlsMode> svcModes = new LinkedHashMap<>();
        serviceNodes.forEach((name, node) -> {
            if (!node.get("mtls").isMissing()) {
                svcModes.put(name, mode(node.get("mtls")));
            }
        });
        YamlNode authz = security.get("authorization");
        authz.allowKeys(AUTHZ_KEYS);
        Map<String, AuthzPolicySpec.Action> defaults = new LinkedHashMap<>();
        for (var e : authz.get("defaults").entries()) {
            defaults.put(namespace(e.getValue(), e.getKey(), namespaces), action(e.getValue()));
        }
        List<AuthzPolicySpec> policies = new ArrayList<>();
        Map<String, YamlNode> names = new LinkedHashMap<>();
        for (YamlNode p : authz.get("policies").list()) {
            AuthzPolicySpec spec = policy(p, trustDomain, services, namespaces);
            if (names.putIfAbsent(spec.name(), p) != null) {
                throw p.get("name").error("policy \"" + spec.name() + "\" declared again (first in " + names.get(spec.name()).file()
                        + ")", "unique policy names");
            }
            policies.add(spec);
        }
        return new SecuritySpec(meshMode, nsModes, svcModes, defaults, policies);
    }

    private static AuthzPolicySpec policy(YamlNode p, String trustDomain, Map<String, ServiceSpec> services, Set<String> namespaces) {
        p.allowKeys(POLICY_KEYS);
        String name = p.get("name").name();
        String ns = p.get("namespace").isMissing() ? "default" : namespace(p.get("namespace"), p.get("namespace").requiredString(), namespaces);
        List<String> to = p.get("to").stringList();
        List<YamlNode> toNodes = p.get("to").list();
        for (int i = 0; i < to.size(); i++) {
            ServiceSpec s = services.get(to.get(i));
            if (s == null || !s.namespace().equals(ns)) {
                throw toNodes.get(i).error("a declared service of namespace " + ns);
            }
        }
        if (p.get("action").isMissing()) {
            throw p.get("action").error("missing", "ALLOW or DENY");
        }
        List<Principal> from = new ArrayList<>();
        for (YamlNode f : p.get("from").list()) {
            f.allowKeys(FROM_KEYS);
            if (f.map().size() != 1) {
                throw f.error("exactly one of " + new TreeSet<>(FROM_KEYS));
            }
            if (!f.get("id").isMissing()) {
                SpiffeId id = spiffe(f.get("id"), trustDomain);
                from.add(new Principal(Principal.Kind.EXACT, id.uri()));
            } else if (!f.get("idPrefix").isMissing()) {
                String prefix = f.get("idPrefix").requiredString();
                if (!prefix.startsWith("spiffe://" + trustDomain + "/")) {
                    throw f.get("idPrefix").error("a prefix of spiffe://" + trustDomain + "/...");
                }
                from.add(new Principal(Principal.Kind.PREFIX, prefix));
            } else if (!f.get("namespace").isMissing()) {
                from.add(new Principal(Principal.Kind.NAMESPACE, namespace(f.get("namespace"), f.get("namespace").requiredString(), namespaces)));
            } else {
                if (!f.get("unauthenticated").bool(false)) {
                    throw f.get("unauthenticated").error("true");
                }
                from.add(new Principal(Principal.Kind.UNAUTHENTICATED, ""));
            }
        }
        YamlNode m = p.get("match");
        m.allowKeys(MATCH_KEYS);
        List<String> paths = m.get("paths").stringList();
        List<String> prefixes = m.get("prefixes").stringList();
        List<YamlNode> pathNodes = new ArrayList<>(m.get("paths").list());
        pathNodes.addAll(m.get("prefixes").list());
        for (YamlNode n : pathNodes) {
            if (!n.requiredString().startsWith("/")) {
                throw n.error("a path starting with /");
            }
        }
        List<String> methods = m.get("methods").stringList();
        for (int i = 0; i < methods.size(); i++) {
            if (!METHODS.contains(methods.get(i))) {
                throw m.get("methods").list().get(i).error("an HTTP method in upper case, one of " + new TreeSet<>(METHODS));
            }
        }
        List<HeaderMatch> headers = new ArrayList<>();
        for (YamlNode h : m.get("headers").list()) {
            h.allowKeys(HEADER_KEYS);
            String hn = h.get("name").requiredString().toLowerCase(Locale.ROOT);
            if (hn.equals("x-forwarded-client-cert")) {
                throw h.get("name").error("a header other than x-forwarded-client-cert (callers' identity comes from their certificate)");
            }
            boolean regex = !h.get("regex").isMissing();
            if (regex == !h.get("exact").isMissing()) {
                throw h.error("exactly one of \"exact\" or \"regex\"");
            }
            String v = regex ? h.get("regex").requiredString() : h.get("exact").string();
            if (regex) {
                try {
                    Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    throw h.get("regex").error("a valid regular expression (" + e.getDescription() + ")");
                }
            }
            headers.add(new HeaderMatch(hn, v, regex));
        }
        return new AuthzPolicySpec(name, ns, to, action(p.get("action")), p.get("dryRun").bool(false), from, paths, prefixes,
                methods, headers);
    }

    private static SpiffeId spiffe(YamlNode n, String trustDomain) {
        String v = n.requiredString();
        SpiffeId id = SpiffeId.tryParse(v).orElseThrow(() -> n.error("a SPIFFE id spiffe://" + trustDomain + "/ns/<namespace>/sa/<service>"));
        if (!id.trustDomain().equals(trustDomain)) {
            throw n.error("a SPIFFE id of trust domain " + trustDomain);
        }
        return id;
    }

    private static String namespace(YamlNode n, String ns, Set<String> namespaces) {
        if (!namespaces.contains(ns)) {
            throw n.error("namespace \"" + ns + "\"", "a namespace of a declared service, one of " + namespaces);
        }
        return ns;
    }

    private static MtlsMode mode(YamlNode n) {
        String v = n.requiredString();
        try {
            return MtlsMode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error("STRICT, PERMISSIVE or DISABLE");
        }
    }

    private static AuthzPolicySpec.Action action(YamlNode n) {
        String v = n.requiredString();
        try {
            return AuthzPolicySpec.Action.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error("ALLOW or DENY");
        }
    }
}
