package io.weft.controlplane.config;

import io.weft.controlplane.model.HeaderMatch;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.PathMatch;
import io.weft.controlplane.model.RouteMatch;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.model.VirtualHostSpec;
import io.weft.controlplane.model.WeightedTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
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
    private static final Set<String> TOP_KEYS = Set.of("trustDomain", "services", "virtualHosts", "edge", "security");
    private static final Set<String> SERVICE_KEYS = Set.of("namespace", "labels", "dependsOn", "mtls");
    private static final Set<String> VHOST_KEYS = Set.of("name", "domains", "routes");
    private static final Set<String> ROUTE_KEYS = Set.of("name", "match", "to", "split", "timeout", "prefixRewrite");
    private static final Set<String> MATCH_KEYS = Set.of("prefix", "path", "regex", "method", "headers");
    private static final Set<String> HEADER_KEYS = Set.of("name", "exact", "regex");
    private static final Set<String> SPLIT_KEYS = Set.of("to", "weight");
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private MeshConfigLoader() {
    }

    /** Loads every {@code *.yaml}/{@code *.yml} file of a directory, or a single file. */
    public static MeshConfig load(Path path) {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                        .filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new ConfigException(path + ": cannot list directory (" + e.getMessage() + ")");
            }
        } else {
            files = List.of(path);
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                texts.put(f.getFileName().toString(), Files.readString(f));
            } catch (IOException e) {
                throw new ConfigException(f + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return parse(texts);
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
        private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
        private final Map<String, YamlNode> serviceNodes = new LinkedHashMap<>();
        private final Map<String, VirtualHostSpec> vhosts = new LinkedHashMap<>();
        private final Map<String, YamlNode> vhostNodes = new LinkedHashMap<>();
        private final List<VirtualHostSpec> edgeHosts = new ArrayList<>();
        private final List<YamlNode> edgeNodes = new ArrayList<>();
        private YamlNode security = YamlNode.root("(none)", null);

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
            for (Map.Entry<String, YamlNode> e : root.get("services").entries()) {
                String name = e.getKey();
                YamlNode node = e.getValue();
                if (!name.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
                    throw node.error("service name \"" + name + "\"", "lower-case letters, digits and '-', starting with a letter");
                }
                if (services.containsKey(name)) {
                    throw node.error("service \"" + name + "\" declared again (first in " + serviceNodes.get(name).file() + ")",
                            "each service declared once");
                }
                node.allowKeys(SERVICE_KEYS);
                String ns = node.get("namespace").optString().orElse("default");
                services.put(name, new ServiceSpec(name, ns, node.get("labels").stringMap(), node.get("dependsOn").stringList()));
                serviceNodes.put(name, node);
            }
            for (YamlNode vh : root.get("virtualHosts").list()) {
                VirtualHostSpec spec = virtualHost(vh);
                if (vhosts.containsKey(spec.name())) {
                    throw vh.get("name").error("virtual host \"" + spec.name() + "\" declared again (first in "
                            + vhostNodes.get(spec.name()).file() + ")", "unique virtual host names");
                }
                vhosts.put(spec.name(), spec);
                vhostNodes.put(spec.name(), vh);
            }
            if (!root.get("security").isMissing()) {
                if (!security.isMissing()) {
                    throw root.get("security").error("security set again (first in " + security.file() + ")", "one declaration");
                }
                security = root.get("security");
            }
            YamlNode edge = root.get("edge");
            edge.allowKeys(Set.of("virtualHosts"));
            for (YamlNode vh : edge.get("virtualHosts").list()) {
                edgeHosts.add(virtualHost(vh));
                edgeNodes.add(vh);
            }
        }

        private VirtualHostSpec virtualHost(YamlNode vh) {
            vh.allowKeys(VHOST_KEYS);
            String name = vh.get("name").name();
            List<String> domains = vh.get("domains").isMissing() ? List.of(name) : vh.get("domains").stringList();
            if (domains.isEmpty()) {
                throw vh.get("domains").error("an empty list", "at least one domain");
            }
            for (int i = 0; i < domains.size(); i++) {
                String d = domains.get(i);
                if (!d.equals("*") && !d.matches("(\\*[.-])?[A-Za-z0-9.-]+(:[0-9]+|:\\*)?|[A-Za-z0-9.-]+[.-]\\*")) {
                    throw vh.get("domains").list().get(i).error("a host name, optionally with a port, a leading \"*.\" or a trailing \".*\", or \"*\"");
                }
            }
            List<YamlNode> routeNodes = vh.get("routes").list();
            if (routeNodes.isEmpty()) {
                throw vh.get("routes").error("missing", "at least one route");
            }
            List<RouteSpec> routes = new ArrayList<>();
            for (int i = 0; i < routeNodes.size(); i++) {
                routes.add(route(routeNodes.get(i), name + "-" + i));
            }
            return new VirtualHostSpec(name, domains, routes);
        }

        private RouteSpec route(YamlNode r, String defaultName) {
            r.allowKeys(ROUTE_KEYS);
            String name = r.get("name").optString().orElse(defaultName);
            RouteMatch match = match(r.get("match"));
            YamlNode to = r.get("to");
            YamlNode split = r.get("split");
            List<WeightedTarget> targets;
            if (!to.isMissing() && !split.isMissing()) {
                throw split.error("both \"to\" and \"split\"", "exactly one of them");
            } else if (!to.isMissing()) {
                targets = List.of(new WeightedTarget(to.name(), 100));
            } else if (!split.isMissing()) {
                targets = new ArrayList<>();
                int total = 0;
                for (YamlNode t : split.list()) {
                    t.allowKeys(SPLIT_KEYS);
                    int weight = t.get("weight").intValue(-1, 0, 100);
                    if (weight < 0) {
                        throw t.get("weight").error("missing", "an integer from 0 to 100");
                    }
                    targets.add(new WeightedTarget(t.get("to").name(), weight));
                    total += weight;
                }
                if (total != 100) {
                    throw split.error("weights adding up to " + total, "weights adding up to 100");
                }
            } else {
                throw to.error("missing", "\"to: <service>\" or \"split: [{to, weight}]\"");
            }
            Optional<String> rewrite = r.get("prefixRewrite").optString();
            if (rewrite.isPresent() && !rewrite.get().startsWith("/")) {
                throw r.get("prefixRewrite").error("a path starting with /");
            }
            if (rewrite.isPresent() && match.path().kind() != PathMatch.Kind.PREFIX) {
                throw r.get("prefixRewrite").error("prefixRewrite on a " + match.path().kind().name().toLowerCase() + " match",
                        "a route that matches by prefix");
            }
            return new RouteSpec(name, match, targets, r.get("timeout").optDuration(), rewrite);
        }

        private RouteMatch match(YamlNode m) {
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
                h.allowKeys(HEADER_KEYS);
                String hn = h.get("name").requiredString().toLowerCase(java.util.Locale.ROOT);
                if (!hn.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw h.get("name").error("an HTTP header name (RFC 9110 token)");
                }
                boolean isRegex = !h.get("regex").isMissing();
                if (isRegex == !h.get("exact").isMissing()) {
                    throw h.error("exactly one of \"exact\" or \"regex\"");
                }
                headers.add(new HeaderMatch(hn, isRegex ? regex(h.get("regex")) : h.get("exact").string(), isRegex));
            }
            return new RouteMatch(paths.isEmpty() ? PathMatch.prefix("/") : paths.get(0), method, headers);
        }

        private static String path(YamlNode n) {
            String p = n.requiredString();
            if (!p.startsWith("/")) {
                throw n.error("a path starting with /");
            }
            return p;
        }

        private static String regex(YamlNode n) {
            String r = n.requiredString();
            try {
                Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                throw n.error("a valid regular expression (" + e.getDescription() + ")");
            }
            return r;
        }

        MeshConfig build() {
            // Cross-references: every target and dependency names a declared service.
            services.forEach((name, spec) -> {
                List<YamlNode> deps = serviceNodes.get(name).get("dependsOn").list();
                for (int i = 0; i < spec.dependsOn().size(); i++) {
                    String dep = spec.dependsOn().get(i);
                    if (!services.containsKey(dep)) {
                        throw deps.get(i).error("a declared service, one of " + services.keySet());
                    }
                }
            });
            vhosts.forEach((name, vh) -> checkTargets(vh, vhostNodes.get(name)));
            for (int i = 0; i < edgeHosts.size(); i++) {
                checkTargets(edgeHosts.get(i), edgeNodes.get(i));
            }
            Map<String, VirtualHostSpec> all = new LinkedHashMap<>(vhosts);
            for (ServiceSpec s : services.values()) {
                // Every service is reachable by its own name unless a declared virtual host covers it.
                boolean covered = vhosts.values().stream().anyMatch(v -> v.domains().contains(s.name()));
                if (!covered && !all.containsKey(s.name())) {
                    all.put(s.name(), new VirtualHostSpec(s.name(), List.of(s.name()),
                            List.of(new RouteSpec("default", RouteMatch.any(), List.of(new WeightedTarget(s.name(), 100)),
                                    Optional.empty(), Optional.empty()))));
                }
            }
            checkUniqueDomains(all);
            return new MeshConfig(trustDomain, services, all, edgeHosts,
                    SecurityReader.read(security, trustDomain, services, serviceNodes));
        }

        private void checkTargets(VirtualHostSpec vh, YamlNode node) {
            List<YamlNode> routeNodes = node.get("routes").list();
            for (int i = 0; i < vh.routes().size(); i++) {
                RouteSpec r = vh.routes().get(i);
                YamlNode rn = routeNodes.get(i);
                List<YamlNode> targetNodes = rn.get("split").isMissing() ? List.of(rn.get("to")) : rn.get("split").list();
                for (int t = 0; t < r.targets().size(); t++) {
                    String svc = r.targets().get(t).service();
                    if (!services.containsKey(svc)) {
                        YamlNode tn = targetNodes.get(t);
                        throw (rn.get("split").isMissing() ? tn : tn.get("to")).error("a declared service, one of " + services.keySet());
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
