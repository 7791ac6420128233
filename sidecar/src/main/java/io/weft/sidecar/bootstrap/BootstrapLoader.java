package io.weft.sidecar.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link Bootstrap} from command-line flags ({@code --service orders}), optionally on top of a
 * YAML file ({@code --config bootstrap.yaml}) whose keys are the flag names without dashes in camel
 * case. Flags win over the file. Every error names the source, the field and the expectation.
 */
public final class BootstrapLoader {
    private static final Set<String> KEYS = Set.of("node", "service", "namespace", "control-plane", "address",
            "inbound-port", "outbound-port", "app-port", "admin-port", "edge-port", "labels", "drain-time", "outbound-grace",
            "max-request-body", "header-timeout", "idle-timeout", "tls", "http-port", "hsts-max-age", "tls-reload");

    private BootstrapLoader() {
    }

    /** @throws IllegalArgumentException with a message naming the flag or file field */
    public static Bootstrap load(Bootstrap.Mode mode, List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(a + ": unexpected argument (expected: --flag value)");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + ": missing value");
                }
                value = args.get(++i);
            }
            if (key.equals("config")) {
                readFile(Path.of(value), values, origin);
                continue;
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("--" + key + ": unknown flag (expected: one of "
                        + KEYS.stream().sorted().map(k -> "--" + k).toList() + " or --config FILE)");
            }
            values.put(key, value);
            origin.put(key, "--" + key);
        }
        String service = required(values, origin, "service");
        String nodeId = values.getOrDefault("node", service + "-" + ProcessHandle.current().pid());
        Bootstrap b = new Bootstrap(mode, nodeId, service,
                values.getOrDefault("namespace", "default"),
                values.getOrDefault("control-plane", "127.0.0.1:15010"),
                values.getOrDefault("address", "127.0.0.1"),
                port(values, origin, "inbound-port", 15006),
                port(values, origin, "outbound-port", 15001),
                mode == Bootstrap.Mode.SIDECAR ? requiredPort(values, origin, "app-port") : 0,
                port(values, origin, "admin-port", 15020),
                port(values, origin, "edge-port", mode == Bootstrap.Mode.EDGE ? 8080 : 0),
                labels(values.getOrDefault("labels", ""), origin.getOrDefault("labels", "--labels")),
                duration(values, origin, "drain-time", Bootstrap.DEFAULT_DRAIN_TIME),
                duration(values, origin, "outbound-grace", Bootstrap.DEFAULT_OUTBOUND_GRACE),
                new Bootstrap.Limits(bytes(values, origin, "max-request-body", Bootstrap.Limits.DEFAULTS.maxRequestBody()),
                        duration(values, origin, "header-timeout", Bootstrap.Limits.DEFAULTS.headerTimeout()),
                        duration(values, origin, "idle-timeout", Bootstrap.Limits.DEFAULTS.idleTimeout())));
        if (!values.containsKey("tls")) {
            for (String k : List.of("http-port", "hsts-max-age", "tls-reload")) {
                if (values.containsKey(k)) {
                    throw new IllegalArgumentException(origin.get(k) + ": set without --tls (expected: --tls cert.pem:key.pem)");
                }
            }
            return b;
        }
        if (mode != Bootstrap.Mode.EDGE) {
            throw new IllegalArgumentException(origin.get("tls") + ": on a sidecar (expected: only in edge mode)");
        }
        return b.withEdgeTls(new EdgeTls(certificates(values.get("tls"), origin.get("tls")),
                values.containsKey("http-port") ? port(values, origin, "http-port", -1) : -1,
                duration(values, origin, "hsts-max-age", EdgeTls.DEFAULT_HSTS),
                duration(values, origin, "tls-reload", EdgeTls.DEFAULT_RELOAD)));
    }

    /** {@code cert.pem:key.pem[,cert2.pem:key2.pem]}. */
    private static List<EdgeTls.CertificateFiles> certificates(String text, String origin) {
        List<EdgeTls.CertificateFiles> out = new java.util.ArrayList<>();
        for (String pair : text.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException(origin + ": \"" + pair + "\" (expected: cert.pem:key.pem, pairs separated by commas)");
            }
            out.add(new EdgeTls.CertificateFiles(Path.of(pair.substring(0, colon).trim()), Path.of(pair.substring(colon + 1).trim())));
        }
        return out;
    }

    private static void readFile(Path file, Map<String, String> values, Map<String, String> origin) {
        Object doc;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            doc = new Yaml(new SafeConstructor(options)).load(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML (" + e.getMessage() + ")");
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(file + ": (top level) (expected: a mapping of bootstrap fields)");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String camel = String.valueOf(e.getKey());
            String key = camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": " + camel + ": unknown field (expected: one of "
                        + KEYS.stream().sorted().toList() + " in camelCase)");
            }
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder();
                m.forEach((k, val) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(val));
                v = sb.toString();
            }
            values.putIfAbsent(key, String.valueOf(v));
            origin.putIfAbsent(key, file + ": " + camel);
        }
    }

    private static String required(Map<String, String> values, Map<String, String> origin, String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + key + ": missing (expected: the service name)");
        }
        if (!v.matches("[a-z]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException(origin.get(key) + ": \"" + v
                    + "\" (expected: lower-case letters, digits and '-', starting with a letter)");
        }
        return v;
    }

    private static int requiredPort(Map<String, String> values, Map<String, String> origin, String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("--" + key + ": missing (expected: the port your app listens on)");
        }
        int p = port(values, origin, key, 0);
        if (p == 0) {
            throw new IllegalArgumentException(origin.get(key) + ": 0 (expected: the port your app listens on, 1 to 65535)");
        }
        return p;
    }

    private static int port(Map<String, String> values, Map<String, String> origin, String key, int dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(origin.get(key) + ": \"" + v + "\" (expected: a port from 0 to 65535)");
    }

    /** A size like {@code 1048576}, {@code 512k} or {@code 10m}; -1 for no limit. */
    private static long bytes(Map<String, String> values, Map<String, String> origin, String key, long dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-1|\\d{1,12})([kKmMgG]?)").matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(origin.get(key) + ": \"" + v + "\" (expected: bytes like 1048576, 512k or 10m, or -1)");
        }
        long n = Long.parseLong(m.group(1));
        return n < 0 ? -1 : n << switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
    }

    /** A duration like {@code 15s}, {@code 500ms} or {@code 2m}. */
    private static Duration duration(Map<String, String> values, Map<String, String> origin, String key, Duration dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(origin.get(key) + ": \"" + v + "\" (expected: a duration like 500ms, 15s, 2m, 1h or 365d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static Map<String, String> labels(String text, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(origin + ": \"" + pair + "\" (expected: key=value pairs separated by commas)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }
}
