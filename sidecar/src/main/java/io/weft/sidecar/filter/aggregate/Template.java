package io.weft.sidecar.filter.aggregate;

import io.weft.proto.AggregatePlaceholders;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;

/**
 * A path or body with placeholders, parsed once: {@code {query.<param>}}, {@code {header.<name>}}
 * (from the client's request) and {@code {<call>.<field>[.<field>...]}} (from an earlier call's JSON
 * answer; a number selects an array element). Anything else, JSON braces included, is literal text.
 * Immutable and thread-safe.
 */
record Template(String source, List<Part> parts) {
    static final String QUERY = AggregatePlaceholders.QUERY;
    static final String HEADER = AggregatePlaceholders.HEADER;

    /** Literal text, or a placeholder: its scope ({@code query}, {@code header} or a call name) and path. */
    sealed interface Part {
    }

    record Literal(String text) implements Part {
    }

    record Placeholder(String scope, List<String> path) implements Part {
        String text() {
            return "{" + scope + "." + String.join(".", path) + "}";
        }
    }

    Template {
        Objects.requireNonNull(source, "source");
        parts = List.copyOf(parts);
    }

    static Template parse(String source) {
        List<Part> parts = new ArrayList<>();
        Matcher m = AggregatePlaceholders.PATTERN.matcher(source);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new Literal(source.substring(at, m.start())));
            }
            parts.add(new Placeholder(m.group(1), List.of(m.group(2).split("\\."))));
            at = m.end();
        }
        if (at < source.length()) {
            parts.add(new Literal(source.substring(at)));
        }
        return new Template(source, parts);
    }

    /** The calls this template reads from. */
    Set<String> calls() {
        return AggregatePlaceholders.calls(source);
    }

    /**
     * Fills the placeholders.
     *
     * @param values  a placeholder's raw value
     * @param escape  how a value is written into this template (percent-encoding, JSON escaping)
     */
    String render(Function<Placeholder, String> values, UnaryOperator<String> escape) {
        StringBuilder sb = new StringBuilder(source.length() + 32);
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case Placeholder ph -> sb.append(escape.apply(values.apply(ph)));
            }
        }
        return sb.toString();
    }
}
