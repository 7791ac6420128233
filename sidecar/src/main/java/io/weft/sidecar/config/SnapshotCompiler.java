package io.weft.sidecar.config;

import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.FilterRegistry;
import io.weft.sidecar.route.ChainCompiler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns accepted xDS state into compiled snapshots and swaps each one in. Holds what outlives a
 * snapshot: the filter registry and the filters' context. Called on the xDS client's thread.
 */
public final class SnapshotCompiler {
    private final FilterRegistry filters;
    private final FilterContext context;
    private final SnapshotHolder holder;

    public SnapshotCompiler(FilterRegistry filters, FilterContext context, SnapshotHolder holder) {
        this.filters = Objects.requireNonNull(filters, "filters");
        this.context = Objects.requireNonNull(context, "context");
        this.holder = Objects.requireNonNull(holder, "holder");
    }

    public FilterRegistry filters() {
        return filters;
    }

    /**
     * Compiles and swaps in a snapshot when the set is complete and consistent.
     *
     * @return what is still missing; empty when the snapshot was swapped in
     */
    public List<String> offer(ConfigSnapshot.Sources src, Map<String, String> versions) {
        List<String> missing = new java.util.ArrayList<>();
        Optional<ConfigSnapshot> s = ConfigSnapshot.build(src, versions,
                l -> new ChainCompiler(l.name(), l.httpFilters(), filters, context), missing);
        s.ifPresent(holder::swap);
        return missing;
    }
}
