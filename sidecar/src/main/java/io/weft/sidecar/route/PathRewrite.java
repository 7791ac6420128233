package io.weft.sidecar.route;

import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.RouteActionSpec;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's path rewrite, compiled: replace the matched prefix, or apply a regex substitution to the
 * path (the query is kept as is). Immutable and thread-safe.
 */
public final class PathRewrite {
    private static final PathRewrite NONE = new PathRewrite(null, null, null, null);

    private final String matchedPrefix;
    private final String prefix;
    private final Pattern regex;
    private final String substitution;

    private PathRewrite(String matchedPrefix, String prefix, Pattern regex, String substitution) {
        this.matchedPrefix = matchedPrefix;
        this.prefix = prefix;
        this.regex = regex;
        this.substitution = substitution;
    }

    public static PathRewrite of(PathSpec path, Optional<String> prefixRewrite, Optional<RouteActionSpec.RegexRewrite> regexRewrite) {
        if (regexRewrite.isPresent()) {
            // Envoy writes groups as \1; Java's replacement syntax is $1
            String sub = regexRewrite.get().substitution().replace("$", "\\$").replaceAll("\\\\(\\d)", "\\$$1");
            return new PathRewrite(null, null, Pattern.compile(regexRewrite.get().pattern()), sub);
        }
        boolean prefixMatch = path.kind() == PathSpec.Kind.PREFIX || path.kind() == PathSpec.Kind.SEPARATED_PREFIX;
        if (prefixRewrite.isPresent() && prefixMatch) {
            return new PathRewrite(path.value(), prefixRewrite.get(), null, null);
        }
        return NONE;
    }

    /** The rewritten path and query. */
    public String apply(String pathAndQuery) {
        if (regex == null && prefix == null) {
            return pathAndQuery;
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q);
        String out;
        if (regex != null) {
            out = regex.matcher(path).replaceAll(substitution);
        } else {
            String rest = path.length() >= matchedPrefix.length() ? path.substring(matchedPrefix.length()) : "";
            if (prefix.endsWith("/") && rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            out = prefix + rest;
        }
        return (out.startsWith("/") ? out : "/" + out) + query;
    }
}
