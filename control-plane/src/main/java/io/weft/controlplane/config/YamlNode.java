package io.weft.controlplane.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in a parsed YAML document that knows its file and path, so that every error it
 * raises reads {@code file: path: value (expected: ...)}. Unknown keys are refused: a typo in a
 * policy must never be silently ignored.
 */
final class YamlNode {
    private final String file;
    private final String path;
    private final Object value;

    private YamlNode(String file, String path, Object value) {
        this.file = file;
        this.path = path;
        this.value = value;
    }

    static YamlNode root(String file, Object value) {
        return new YamlNode(Objects.requireNonNull(file, "file"), "", value);
    }

    String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    String file() {
        return file;
    }

    boolean isMissing() {
        return value == null;
    }

    /** Whether the value is a single string, number or boolean (not a list or mapping). */
    boolean isScalar() {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    ConfigException error(String expected) {
        return new ConfigException(file + ": " + path() + ": " + render(value) + " (expected: " + expected + ")");
    }

    ConfigException error(String what, String expected) {
        return new ConfigException(file + ": " + path() + ": " + what + " (expected: " + expected + ")");
    }

    /** Refuses keys other than the given ones. */
    YamlNode allowKeys(Set<String> allowed) {
        for (String key : map().keySet()) {
            if (!allowed.contains(key)) {
                throw child(key).error("unknown field \"" + key + "\"", "one of " + allowed.stream().sorted().toList());
            }
        }
        return this;
    }

    YamlNode get(String key) {
        return child(key);
    }

    private YamlNode child(String key) {
        Object v = value instanceof Map<?, ?> m ? m.get(key) : null;
        return new YamlNode(file, path.isEmpty() ? key : path + "." + key, v);
    }

    Map<String, Object> map() {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw error("a mapping");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw error("key " + render(e.getKey()), "string keys; YAML reads unquoted on/off/yes/no as booleans, so quote them");
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    List<YamlNode> list() {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> l)) {
            throw error("a list");
        }
        List<YamlNode> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", l.get(i)));
        }
        return out;
    }

    /** The entries of a mapping, each as a node. */
    List<Map.Entry<String, YamlNode>> entries() {
        List<Map.Entry<String, YamlNode>> out = new ArrayList<>();
        for (String key : map().keySet()) {
            out.add(Map.entry(key, child(key)));
        }
        return out;
    }

    <T> List<T> list(Function<YamlNode, T> reader) {
        return list().stream().map(reader).toList();
    }

    String string() {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw error("a string");
    }

    Optional<String> optString() {
        return value == null ? Optional.empty() : Optional.of(string());
    }

    String requiredString() {
        if (value == null) {
            throw error("missing", "a string");
        }
        String s = string();
        if (s.isBlank()) {
            throw error("a non-empty string");
        }
        return s;
    }

    /** A DNS-label-like name: lower case letters, digits, '-' and '.', starting with a letter. */
    String name() {
        String s = requiredString();
        if (!s.matches("[a-z]([a-z0-9.-]{0,61}[a-z0-9])?")) {
            throw error("a name of lower-case letters, digits, '-' or '.', starting with a letter");
        }
        return s;
    }

    int intValue(int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Integer i) || i < min || i > max) {
            throw error("an integer from " + min + " to " + max);
        }
        return i;
    }

    double number(double defaultValue, double min, double max) {
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw error("a number from " + plain(min) + " to " + plain(max));
        }
        return n.doubleValue();
    }

    boolean bool(boolean defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean b)) {
            throw error("true or false");
        }
        return b;
    }

    Optional<Duration> optDuration() {
        if (value == null) {
            return Optional.empty();
        }
        Duration d = Durations.parse(string()).orElseThrow(() -> error("a positive duration such as 250ms, 2s or 1m"));
        if (d.isZero() || d.isNegative()) {
            throw error("a positive duration such as 250ms, 2s or 1m");
        }
        return Optional.of(d);
    }

    /** A positive duration, or {@code dflt} when absent. */
    Duration duration(Duration dflt) {
        return optDuration().orElse(dflt);
    }

    /** One of an enum's constants, written in lower case with '-' for '_' ({@code round-robin}), or upper case. */
    <E extends Enum<E>> Optional<E> optEnum(Class<E> type) {
        if (value == null) {
            return Optional.empty();
        }
        String s = string().trim();
        for (E e : type.getEnumConstants()) {
            String dashed = e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            if (e.name().equals(s) || dashed.equals(s)) {
                return Optional.of(e);
            }
        }
        throw error("one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList());
    }

    /** Whether this node holds a mapping (as opposed to a scalar or a list). */
    boolean isMap() {
        return value instanceof Map<?, ?>;
    }

    /** The raw YAML value: maps, lists, strings, numbers and booleans only (SafeConstructor output). */
    Object raw() {
        return value;
    }

    Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : entries()) {
            out.put(e.getKey(), e.getValue().string());
        }
        return Map.copyOf(out);
    }

    List<String> stringList() {
        return list(YamlNode::requiredString);
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String render(Object v) {
        if (v == null) {
            return "missing";
        }
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(v);
    }
}
