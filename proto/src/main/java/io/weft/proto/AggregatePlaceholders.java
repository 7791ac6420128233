package io.weft.proto;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholder syntax of {@code weft.v1.AggregateCall} paths and bodies, shared by the control
 * plane (which checks references when it reads the YAML) and the edge (which fills them in):
 * {@code {query.<param>}}, {@code {header.<name>}} and {@code {<call>.<field>[.<field>...]}}.
 */
public final class AggregatePlaceholders {
    /** Group 1: the scope ({@code query}, {@code header} or a call name); group 2: the dotted path. */
    public static final Pattern PATTERN = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)\\.([A-Za-z0-9_.-]+)}");
    public static final String QUERY = "query";
    public static final String HEADER = "header";
    /** The key of the merged answer that lists failed calls; no call may be named so. */
    public static final String ERRORS = "errors";
    /** What a call name looks like. */
    public static final String CALL_NAME = "[A-Za-z_][A-Za-z0-9_-]*";

    private AggregatePlaceholders() {
    }

    /** The calls a template reads from (placeholders other than query and header), in order of appearance. */
    public static Set<String> calls(String template) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PATTERN.matcher(template);
        while (m.find()) {
            if (!m.group(1).equals(QUERY) && !m.group(1).equals(HEADER)) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Whether a call may be named so (not reserved, right shape). */
    public static boolean validCallName(String name) {
        return name.matches(CALL_NAME) && !name.equals(QUERY) && !name.equals(HEADER) && !name.equals(ERRORS);
    }
}
