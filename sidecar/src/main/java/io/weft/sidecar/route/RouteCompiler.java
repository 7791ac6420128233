package io.weft.sidecar.route;

import io.weft.sidecar.filter.FilterConfig;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.filter.Filters;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.Terminal;
import io.weft.sidecar.model.FilterOverride;
import io.weft.sidecar.model.FilterSpec;
import io.weft.sidecar.model.RouteActionSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a listener's routes are compiled with when a snapshot is built: the listener's filters (each
 * route gets the listener's filters in order, with the most specific config — route, then virtual
 * host, then listener — and skipped where disabled), and the factory that turns a forward action
 * into its compiled terminal. Immutable and thread-safe.
 *
 * @param listener the listener's name
 * @param filters  the listener's filters
 * @param forwards compiles forward actions (bound to the snapshot's clusters)
 */
public record RouteCompiler(String listener, List<FilterSpec> filters, FilterRegistry registry, FilterContext context,
                            ForwardFactory forwards) {
    public RouteCompiler {
        Objects.requireNonNull(listener, "listener");
        filters = List.copyOf(filters);
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(forwards, "forwards");
    }

    /** Turns a route's forward action into the terminal that sends requests upstream. */
    @FunctionalInterface
    public interface ForwardFactory {
        Terminal forward(RouteSpec route, RouteActionSpec.Forward action);
    }

    Filters chain(VirtualHostSpec host, RouteSpec route) {
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

    Terminal action(RouteSpec route) {
        return switch (route.action()) {
            case RouteActionSpec.Forward f -> forwards.forward(route, f);
            case RouteActionSpec.Redirect r -> LocalActions.redirect(route.path(), r);
            case RouteActionSpec.Direct d -> LocalActions.direct(d);
        };
    }
}
