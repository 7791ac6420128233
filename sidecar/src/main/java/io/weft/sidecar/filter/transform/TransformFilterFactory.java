package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.sidecar.edge.EdgeFilter;

/** Builds a route's transformation filter; regexes and JSON edits are compiled here, once. */
public final class TransformFilterFactory {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TransformFilterFactory() {
    }

    public static EdgeFilter create(TransformConfig config) {
        return new TransformFilter(config, MAPPER);
    }
}
