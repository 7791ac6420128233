package io.weft.sidecar.model;

import io.weft.sidecar.filter.FilterConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual host's or route's {@code typed_per_filter_config} entry for one filter.
 *
 * @param config the config to use on this route instead of the listener's; empty with {@code disabled}
 *               false means "enable the listener's config here"
 * @param disabled skip the filter on this route
 */
public record FilterOverride(Optional<FilterConfig> config, boolean disabled) {
    public FilterOverride {
        Objects.requireNonNull(config, "config");
    }
}
