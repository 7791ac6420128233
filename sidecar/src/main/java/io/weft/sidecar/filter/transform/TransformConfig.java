package io.weft.sidecar.filter.transform;

import io.weft.sidecar.filter.FilterConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A route's request/response transformation. Header and query names are lower case. */
public record TransformConfig(NameOps requestHeaders, NameOps responseHeaders, JsonOps requestJson, JsonOps responseJson,
                              Optional<PathRewrite> path, NameOps query, Conversion requestBody,
                              Conversion responseBody) implements FilterConfig {
    public TransformConfig {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        Objects.requireNonNull(requestJson, "requestJson");
        Objects.requireNonNull(responseJson, "responseJson");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(requestBody, "requestBody");
        Objects.requireNonNull(responseBody, "responseBody");
    }

    public enum Conversion { UNCHANGED, XML_TO_JSON, JSON_TO_XML }

    /** set (replace), remove, rename (old → new): for headers and query parameters. */
    public record NameOps(Map<String, String> set, List<String> remove, Map<String, String> rename) {
        public static final NameOps NONE = new NameOps(Map.of(), List.of(), Map.of());

        public NameOps {
            set = Map.copyOf(set);
            remove = List.copyOf(remove);
            rename = Map.copyOf(rename);
        }

        public boolean isEmpty() {
            return set.isEmpty() && remove.isEmpty() && rename.isEmpty();
        }
    }

    /** Dotted field paths; {@code inject} values are JSON text. */
    public record JsonOps(Map<String, String> rename, List<String> remove, Map<String, String> inject) {
        public static final JsonOps NONE = new JsonOps(Map.of(), List.of(), Map.of());

        public JsonOps {
            rename = Map.copyOf(rename);
            remove = List.copyOf(remove);
            inject = Map.copyOf(inject);
        }

        public boolean isEmpty() {
            return rename.isEmpty() && remove.isEmpty() && inject.isEmpty();
        }
    }

    public record PathRewrite(String regex, String substitution) {
        public PathRewrite {
            Objects.requireNonNull(regex, "regex");
            Objects.requireNonNull(substitution, "substitution");
        }
    }
}
