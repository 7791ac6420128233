package io.weft.sidecar.filter.transcode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path with variables that each bind one whole segment, {@code /api/users/{user_id}/recommendations};
 * an empty template matches every path and binds nothing. Immutable and thread-safe.
 *
 * @param segments literal segments, and variable names written as {@code {name}}
 */
record PathTemplate(String source, List<String> segments) {
    static final PathTemplate ANY = new PathTemplate("", List.of());

    PathTemplate {
        segments = List.copyOf(segments);
    }

    /**
     * @throws IllegalArgumentException naming the template when it does not start with {@code /} or a
     *                                  variable is malformed or repeated
     */
    static PathTemplate parse(String template) {
        if (template.isEmpty()) {
            return ANY;
        }
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("\"" + template + "\" (expected: a path starting with /)");
        }
        List<String> segments = new ArrayList<>(List.of(template.substring(1).split("/", -1)));
        List<String> seen = new ArrayList<>();
        for (String s : segments) {
            if (s.startsWith("{") || s.endsWith("}") || s.contains("{")) {
                if (!s.matches("\\{[A-Za-z_][A-Za-z0-9_]*}")) {
                    throw new IllegalArgumentException("\"" + template + "\": segment \"" + s
                            + "\" (expected: literal text or one {field} per segment)");
                }
                if (seen.contains(s)) {
                    throw new IllegalArgumentException("\"" + template + "\": " + s + " bound twice");
                }
                seen.add(s);
            }
        }
        return new PathTemplate(template, segments);
    }

    /** The variable names, in order. */
    List<String> variables() {
        return segments.stream().filter(s -> s.startsWith("{")).map(s -> s.substring(1, s.length() - 1)).toList();
    }

    /** The decoded segment values bound to each variable, or empty when the path does not fit. */
    Optional<Map<String, String>> match(String path) {
        if (segments.isEmpty()) {
            return Optional.of(Map.of());
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String s = segments.get(i);
            if (s.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                out.put(s.substring(1, s.length() - 1), URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8));
            } else if (!s.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }
}
