package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Field-level JSON edits compiled from a {@link TransformConfig.JsonOps}: remove, then rename, then
 * inject. Paths are dotted; a step into an array applies to each element; a missing field is left
 * alone (remove, rename) or created (inject). Immutable and thread-safe; edits the tree in place.
 */
final class JsonEditor {
    private record Edit(String[] path, String newName, JsonNode value) {
    }

    private final List<Edit> removes = new ArrayList<>();
    private final List<Edit> renames = new ArrayList<>();
    private final List<Edit> injects = new ArrayList<>();

    JsonEditor(TransformConfig.JsonOps ops, ObjectMapper mapper) {
        ops.remove().forEach(p -> removes.add(new Edit(p.split("\\."), null, null)));
        ops.rename().forEach((p, to) -> renames.add(new Edit(p.split("\\."), to, null)));
        for (Map.Entry<String, String> e : ops.inject().entrySet()) {
            try {
                injects.add(new Edit(e.getKey().split("\\."), null, mapper.readTree(e.getValue())));
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("inject " + e.getKey() + ": not JSON: " + e.getValue(), ex);
            }
        }
    }

    void apply(JsonNode root) {
        for (Edit e : removes) {
            parents(root, e.path(), 0, false, (obj, field) -> obj.remove(field));
        }
        for (Edit e : renames) {
            parents(root, e.path(), 0, false, (obj, field) -> {
                JsonNode v = obj.remove(field);
                if (v != null) {
                    obj.set(e.newName(), v);
                }
            });
        }
        for (Edit e : injects) {
            parents(root, e.path(), 0, true, (obj, field) -> obj.set(field, e.value().deepCopy()));
        }
    }

    private interface FieldOp {
        void apply(ObjectNode parent, String field);
    }

    private static void parents(JsonNode node, String[] path, int i, boolean create, FieldOp op) {
        if (node instanceof ArrayNode arr) {
            arr.forEach(el -> parents(el, path, i, create, op));
            return;
        }
        if (!(node instanceof ObjectNode obj)) {
            return;
        }
        if (i == path.length - 1) {
            op.apply(obj, path[i]);
            return;
        }
        JsonNode child = obj.get(path[i]);
        if (child == null && create) {
            child = obj.putObject(path[i]);
        }
        if (child != null) {
            parents(child, path, i + 1, create, op);
        }
    }
}
