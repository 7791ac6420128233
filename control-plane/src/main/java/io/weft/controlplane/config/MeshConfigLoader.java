package io.weft.controlplane.config;

import io.weft.controlplane.model.AuthorizationPolicy;
import io.weft.controlplane.model.EdgeListenerSpec;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.MtlsMode;
import io.weft.controlplane.model.NamespaceSpec;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.model.TelemetryConfig;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.controlplane.model.WeightedTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a directory of mesh YAML files (or one file) into a validated {@link MeshConfig}.
 * Files are read in name order and merged; a name declared twice is an error naming both files.
 * Every error names the file, the field path and what was expected. Stateless and thread-safe.
 */
public final class MeshConfigLoader {
    private static final Set<String> TOP_KEYS =
            Set.of("trustDomain", "mtls", "namespaces", "services", "virtualHosts", "authorization", "edge", "telemetry");

    private MeshConfigLoader() {
    }

    /** Loads every {@code *.yaml}/{@code *.yml} file of a directory, or a single file. */
    public static MeshConfig load(Path path) {
        return parse(new DirectoryStore(path).read());
    }

    /** Parses and validates documents given as file name → YAML text, merged in the given order. */
    public static MeshConfig parse(Map<String, String> documents) {
        Builder b = new Builder();
        for (Map.Entry<String, String> doc : documents.entrySet()) {
            b.read(YamlNode.root(doc.getKey(), parseYaml(doc.getKey(), doc.getValue())));
        }
        return b.build();
    }

    private static Object parseYaml(String file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(8 * 1024 * 1024);
        try {
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark();
            String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            throw new ConfigException(file + ": " + where + "not valid YAML (" + e.getProblem() + ")");
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML (" + e.getMessage() + ")");
        }
    }

    /** Accumulates declarations across files, then cross-checks them. */
    private static final class Builder {
        private String trustDomain = "weft.local";
        private String trustDomainFile;
        private MtlsMode mtls = MtlsMode.PERMISSIVE;
        private String mtlsFile;
        private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
        private final Map<String, YamlNode> serviceNodes = new LinkedHashMap<>();
        private final Map<String, NamespaceSpec> namespaces = new LinkedHashMap<>();
        private final Map<String, YamlNode> namespaceNodes = new LinkedHashMap<>();
        private final Map<String, VirtualHostSpec> vhosts = new LinkedHashMap<>();
        private final Map<String, YamlNode> vhostNodes = new LinkedHashMap<>();
        private final List<VirtualHostSpec> edgeHosts = new ArrayList<>();
        private final List<YamlNode> edgeNodes = new ArrayList<>();
        private TelemetryConfig telemetry = TelemetryConfig.DEFAULT;
        private String telemetryFile;
        private final EdgeFiltersReader edgeFilters = new EdgeFiltersReader();
        private final Map<String, AuthorizationPolicy> policies = new LinkedHashMap<>();
        private final Map<String, YamlNode> policyNodes = new LinkedHashMap<>();
        private final Map<String, EdgeListenerSpec> listeners = new LinkedHashMap<>();
        private final Map<String, YamlNode> listenerNodes = new LinkedHashMap<>();

        void read(YamlNode root) {
            if (root.isMissing()) {
                return; // an empty file declares nothing
            }
            root.allowKeys(TOP_KEYS);
            YamlNode td = root.get("trustDomain");
            if (!td.isMissing()) {
                if (trustDomainFile != null) {
                    throw td.error("trustDomain set again (first in " + trustDomainFile + ")", "one declaration");
                }
                trustDomain = td.name();
                trustDomainFile = root.file();
            }
            YamlNode m = root.get("mtls");
            if (!m.isMissing()) {
                if (mtlsFile != null) {
                    throw m.error("mtls set again (first in " + mtlsFile + ")", "one declaration");
                }
                mtls = PolicyReader.mtls(m).orElseThrow();
                mtlsFile = root.file();
            }
            for (Map.Entry<String, YamlNode> e : root.get("namespaces").entries()) {
                once(e.getKey(), e.getValue(), "namespace", namespaceNodes);
                namespaces.put(e.getKey(), PolicyReader.namespace(nameOf(e.getKey(), e.getValue(), "namespace"), e.getValue()));
            }
            for (Map.Entry<String, YamlNode> e : root.get("services").entries()) {
                String name = nameOf(e.getKey(), e.getValue(), "service");
                once(name, e.getValue(), "service", serviceNodes);
                services.put(name, ServiceReader.read(name, e.getValue()));
            }
            for (YamlNode vh : root.get("virtualHosts").list()) {
                VirtualHostSpec spec = RouteReader.virtualHost(vh);
                once(spec.name(), vh.get("name"), "virtual host", vhostNodes);
                vhostNodes.put(spec.name(), vh);
                vhosts.put(spec.name(), spec);
            }
            for (YamlNode p : root.get("authorization").list()) {
                AuthorizationPolicy policy = PolicyReader.policy(p, "default");
                once(policy.name(), p.get("name"), "authorization policy", policyNodes);
                policyNodes.put(policy.name(), p);
                policies.put(policy.name(), policy);
            }
            YamlNode tel = root.get("telemetry");
            if (!tel.isMissing()) {
                if (telemetryFile != null) {
                    throw tel.error("telemetry set again (first in " + telemetryFile + ")", "one declaration");
                }
                telemetry = TelemetryConfigReader.read(tel);
                telemetryFile = root.file();
            }
            YamlNode edge = root.get("edge");
            edge.allowKeys(java.util.stream.Stream.concat(Set.of("virtualHosts", "listeners").stream(),
                    EdgeFiltersReader.EDGE_KEYS.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet()));
            edgeFilters.readEdge(edge);
            for (YamlNode vh : edge.get("virtualHosts").list()) {
                edgeHosts.add(RouteReader.virtualHost(vh, true));
                edgeNodes.add(vh);
            }
            for (YamlNode l : edge.get("listeners").list()) {
                EdgeListenerSpec spec = PolicyReader.edgeListener(l);
                once(spec.name(), l.get("name"), "edge listener", listenerNodes);
                listeners.put(spec.name(), spec);
            }
        }

        private static String nameOf(String key, YamlNode node, String what) {
            if (!key.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw node.error(what + " name \"" + key + "\"", "lower-case letters, digits and '-', starting with a letter");
            }
            return key;
        }

        /** Refuses a second declaration of a name, naming the file of the first. */
        private static void once(String name, YamlNode node, String what, Map<String, YamlNode> seen) {
            YamlNode first = seen.get(name);
            if (first != null) {
                throw node.error(what + " \"" + name + "\" declared again (first in " + first.file() + ")",
                        "each " + what + " declared once");
            }
            seen.put(name, node);
        }

        MeshConfig build() {
            // Cross-references: every target, dependency and policy names a declared service.
            services.forEach((name, spec) -> {
                List<YamlNode> deps = serviceNodes.get(name).get("dependsOn").list();
                for (int i = 0; i < spec.dependsOn().size(); i++) {
                    if (!services.containsKey(spec.dependsOn().get(i))) {
                        throw deps.get(i).error("a declared service, one of " + services.keySet());
                    }
                }
            });
            vhosts.forEach((name, vh) -> checkTargets(vh, vhostNodes.get(name)));
            for (int i = 0; i < edgeHosts.size(); i++) {
                checkTargets(edgeHosts.get(i), edgeNodes.get(i));
                edgeHosts.set(i, withEdgeFilters(edgeHosts.get(i), edgeNodes.get(i)));
            }
            policies.forEach((name, p) -> p.service().ifPresent(svc -> {
                if (!services.containsKey(svc)) {
                    throw policyNodes.get(name).get("service").error("a declared service, one of " + services.keySet());
                }
            }));
            Map<String, VirtualHostSpec> all = new LinkedHashMap<>(vhosts);
            Set<String> covered = new java.util.HashSet<>();
            vhosts.values().forEach(v -> covered.addAll(v.domains()));
            for (ServiceSpec s : services.values()) {
                // Every service is reachable by its own name unless a declared virtual host covers it.
                if (!covered.contains(s.name()) && !all.containsKey(s.name())) {
                    all.put(s.name(), new VirtualHostSpec(s.name(), List.of(s.name()), List.of(RouteSpec.to("default", s.name()))));
                }
            }
            checkUniqueDomains(all);
            return new MeshConfig(trustDomain, services, all, edgeHosts, mtls, namespaces, List.copyOf(policies.values()),
                    List.copyOf(listeners.values()), telemetry);
        }

        /** Attaches each edge route's filter configs, resolved now that every file's edge declarations are read. */
        private VirtualHostSpec withEdgeFilters(VirtualHostSpec vh, YamlNode node) {
            List<YamlNode> routeNodes = node.get("routes").list();
            List<RouteSpec> routes = new ArrayList<>();
            for (int i = 0; i < vh.routes().size(); i++) {
                RouteSpec r = vh.routes().get(i);
                routes.add(r.withFilters(edgeFilters.route(routeNodes.get(i), r, services)));
            }
            return new VirtualHostSpec(vh.name(), vh.domains(), routes);
        }

        private void checkTargets(VirtualHostSpec vh, YamlNode node) {
            List<YamlNode> routeNodes = node.get("routes").list();
            for (int i = 0; i < vh.routes().size(); i++) {
                RouteSpec r = vh.routes().get(i);
                List<YamlNode> targetNodes = RouteReader.targetNodes(routeNodes.get(i));
                for (int t = 0; t < r.targets().size(); t++) {
                    WeightedTarget target = r.targets().get(t);
                    YamlNode tn = targetNodes.get(t);
                    ServiceSpec svc = services.get(target.service());
                    if (svc == null) {
                        throw (tn.isMap() ? tn.get("service") : tn).error("a declared service, one of " + services.keySet());
                    }
                    if (target.version().isPresent() && !svc.versions().contains(target.version().get())) {
                        YamlNode splitEntry = routeNodes.get(i).get("split").isMissing() ? null
                                : routeNodes.get(i).get("split").list().get(t);
                        YamlNode vn = splitEntry != null && !splitEntry.get("version").isMissing()
                                ? splitEntry.get("version") : tn.get("version");
                        throw vn.error("a version of " + svc.name() + " declared in services." + svc.name()
                                + ".versions, one of " + svc.versions());
                    }
                }
            }
        }

        private void checkUniqueDomains(Map<String, VirtualHostSpec> all) {
            Map<String, String> owner = new LinkedHashMap<>();
            for (VirtualHostSpec vh : all.values()) {
                for (String d : vh.domains()) {
                    String prev = owner.putIfAbsent(d, vh.name());
                    if (prev != null) {
                        YamlNode n = vhostNodes.getOrDefault(vh.name(), vhostNodes.get(prev));
                        throw n.get("domains").error("domain \"" + d + "\" already served by virtual host \"" + prev + "\"",
                                "each domain in one virtual host");
                    }
                }
            }
        }
    }
}
