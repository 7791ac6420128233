package io.weft.sidecar.filter;

import com.google.protobuf.Any;

/**
 * Makes one kind of filter. Each filter package has one factory, registered in
 * {@link FilterRegistry#builtIn()}. The factory is the filter's only contact with protobuf: it turns
 * the {@code typed_config} of an {@code http_filters[]} entry (or of a route's
 * {@code typed_per_filter_config}) into a {@link FilterConfig} record when the xDS resource arrives,
 * and makes filters from such records when a snapshot is compiled.
 *
 * <p>Implementations are stateless and thread-safe. Long-lived state that must survive config
 * swaps (token buckets, caches, exporters) belongs in {@link FilterContext#shared()}.
 *
 * @param <C> the filter's config record
 */
public interface HttpFilterFactory<C extends FilterConfig> {
    /** The type URL of the typed_config this factory reads, e.g. {@code type.googleapis.com/weft.v1.RateLimit}. */
    String typeUrl();

    Class<C> configType();

    /**
     * Parses and validates a listener-level typed_config. Called on the xDS thread; a failure NACKs
     * the resource and the previous config stays in force.
     */
    C parse(Any typedConfig) throws FilterConfigException;

    /**
     * Parses a per-route or per-virtual-host override. By default the same message as
     * {@link #parse}; filters whose per-route message differs (like Envoy's {@code RBACPerRoute}) override this.
     */
    default C parsePerRoute(Any typedConfig) throws FilterConfigException {
        return parse(typedConfig);
    }

    /**
     * Makes the filter for one route from its effective config (the route's override, else the
     * virtual host's, else the listener's). Called when a snapshot is compiled; must not block long.
     */
    HttpFilter create(C config, FilterContext context);
}
