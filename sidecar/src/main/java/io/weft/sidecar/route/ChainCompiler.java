package io.weft.sidecar.route;

import io.weft.sidecar.filter.FilterConfig;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.filter.Filters;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.model.FilterOverride;
import io.weft.sidecar.model.FilterSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds each route's filter chain when a snapshot is compiled: the listener's filters in order,
 * each with the most specific config (route, then virtual host, then listener) and skipped where
 * disabled. Immutable and thread-safe.
 *
 * @param listener the listener's name
 * @param filters  the listener's filters
 */
public record ChainCompiler(String listener, List<FilterSpec> filters, FilterRegistry registry, FilterContext context) {
    public ChainCompiler {
        Objects.requireNonNull(listener, "listener");
        filters = List.copyOf(filters);
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(context, "context");
    }

    Filters compile(VirtualHostSpec host, RouteSpec route) {
        if (filters.isEmpty()) {
            return Filters.none();
        }
        List<HttpFilter> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        FilterContext ctx = context.forRoute(listener, route.name());
        for (FilterSpec f : filters) {
            Optional<FilterOverride> o = Optional.ofNullable(route.filterOverrides().get(f.name()))
                    .or(() -> Optional.ofNullable(host.filterOverrides().get(f.name())));
            boolean enabled = o.map(x -> !x.disabled()).orElse(!f.disabled());
            if (!enabled) {
                continue;
            }
            FilterConfig config = o.flatMap(FilterOverride::config).orElse(f.config());
            out.add(registry.create(config, ctx));
            names.add(f.name());
        }
        return Filters.of(out, names);
    }
}
