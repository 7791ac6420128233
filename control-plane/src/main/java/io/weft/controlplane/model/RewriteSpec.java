package io.weft.controlplane.model;

import java.util.Objects;
import java.util.Optional;

/**
 * How a route rewrites the request before forwarding it.
 *
 * @param prefix            replaces the matched path prefix
 * @param regex             a regex applied to the path, with {@code substitution}
 * @param substitution      what each regex match becomes ({@code \1} for groups)
 * @param host              replaces the Host / :authority
 */
public record RewriteSpec(Optional<String> prefix, Optional<String> regex, String substitution, Optional<String> host) {
    public static final RewriteSpec NONE = new RewriteSpec(Optional.empty(), Optional.empty(), "", Optional.empty());

    public RewriteSpec {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(regex, "regex");
        Objects.requireNonNull(substitution, "substitution");
        Objects.requireNonNull(host, "host");
    }
}
