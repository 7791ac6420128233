package io.weft.sidecar.filter;

import com.google.protobuf.Any;
import io.weft.sidecar.filter.aggregate.AggregateFilterFactory;
import io.weft.sidecar.filter.authn.AuthnFilterFactory;
import io.weft.sidecar.filter.cache.CacheFilterFactory;
import io.weft.sidecar.filter.fault.FaultFilterFactory;
import io.weft.sidecar.filter.guard.GuardFilterFactory;
import io.weft.sidecar.filter.ratelimit.RateLimitFilterFactory;
import io.weft.sidecar.filter.transcode.TranscodeFilterFactory;
import io.weft.sidecar.filter.transform.TransformFilterFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The filters this proxy knows, by the type URL of their typed config. An {@code http_filters[]}
 * entry with an unknown type is refused (NACK) unless the control plane marked it optional.
 * Immutable and thread-safe.
 */
public final class FilterRegistry {
    private final Map<String, HttpFilterFactory<?>> byType;

    private FilterRegistry(Map<String, HttpFilterFactory<?>> byType) {
        this.byType = byType;
    }

    /** Every filter that ships with Weft. Add a new filter package's factory here. */
    public static FilterRegistry builtIn() {
        return of(List.of(new FaultFilterFactory(), new io.weft.sidecar.filter.authz.AuthzFilterFactory(),
                new GuardFilterFactory(), new AuthnFilterFactory(), new RateLimitFilterFactory(), new CacheFilterFactory(),
                new TransformFilterFactory(), new AggregateFilterFactory(), new TranscodeFilterFactory()));
    }

    /** A registry of exactly these factories (tests use it to add their own). */
    public static FilterRegistry of(List<? extends HttpFilterFactory<?>> factories) {
        Map<String, HttpFilterFactory<?>> m = new LinkedHashMap<>();
        for (HttpFilterFactory<?> f : factories) {
            if (m.putIfAbsent(f.typeUrl(), f) != null) {
                throw new IllegalArgumentException("filter factories: type " + f.typeUrl()
                        + " registered twice (expected: one factory per type URL)");
            }
        }
        return new FilterRegistry(Map.copyOf(m));
    }

    /** The factory for a typed config type URL, if this proxy has one. */
    public Optional<HttpFilterFactory<?>> factory(String typeUrl) {
        return Optional.ofNullable(byType.get(typeUrl));
    }

    /** The known type URLs, for error messages. */
    public List<String> typeUrls() {
        return byType.keySet().stream().sorted().toList();
    }

    /** Parses a listener-level typed config with its factory. */
    public FilterConfig parse(Any typedConfig) throws FilterConfigException {
        return factoryFor(typedConfig).parse(typedConfig);
    }

    /** Parses a per-route override with the factory for its type URL. */
    public FilterConfig parsePerRoute(Any typedConfig) throws FilterConfigException {
        return factoryFor(typedConfig).parsePerRoute(typedConfig);
    }

    /**
     * Makes a filter from a parsed config with the factory that parsed it.
     *
     * @throws IllegalArgumentException when no factory makes configs of that class
     */
    public HttpFilter create(FilterConfig config, FilterContext context) {
        for (HttpFilterFactory<?> f : byType.values()) {
            if (f.configType().isInstance(config)) {
                return create(f, config, context);
            }
        }
        throw new IllegalArgumentException("filter config " + config.getClass().getName()
                + ": no factory (expected: one of " + typeUrls() + ")");
    }

    private static <C extends FilterConfig> HttpFilter create(HttpFilterFactory<C> f, FilterConfig config, FilterContext ctx) {
        return f.create(f.configType().cast(config), ctx);
    }

    private HttpFilterFactory<?> factoryFor(Any typedConfig) throws FilterConfigException {
        HttpFilterFactory<?> f = byType.get(typedConfig.getTypeUrl());
        if (f == null) {
            throw new FilterConfigException("typed_config: type " + typedConfig.getTypeUrl()
                    + " (expected: one of " + typeUrls() + ")");
        }
        return f;
    }
}
