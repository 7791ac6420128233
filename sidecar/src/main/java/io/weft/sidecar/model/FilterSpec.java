package io.weft.sidecar.model;

import io.weft.sidecar.filter.FilterConfig;
import java.util.Objects;

/**
 * One entry of a listener's HTTP filter chain.
 *
 * @param name     the filter's name in the chain; per-route overrides refer to it
 * @param config   its parsed config
 * @param disabled when true, the filter runs only on routes whose override enables it
 */
public record FilterSpec(String name, FilterConfig config, boolean disabled) {
    public FilterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
    }
}
