package io.weft.controlplane.xds;

import java.util.List;
import java.util.Map;

/**
 * What a candidate mesh state would change for one connected proxy (a dry run).
 *
 * @param node    the proxy's node id
 * @param service its service
 * @param types   per type URL that would change: the resource names added, removed and modified
 */
public record ConfigDiff(String node, String service, Map<String, Change> types) {
    public ConfigDiff {
        types = Map.copyOf(types);
    }

    public record Change(List<String> added, List<String> removed, List<String> modified) {
        public Change {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            modified = List.copyOf(modified);
        }
    }
}
