package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.BodyConversion;
import io.weft.proto.v1.EdgeTransform;
import io.weft.proto.v1.HeaderOps;
import io.weft.proto.v1.JsonOps;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code weft.v1.EdgeTransform} (filter {@code weft.edge.transform}) and makes a route's
 * transformation filter; regexes and JSON edits are compiled here, once.
 */
public final class TransformFilterFactory implements HttpFilterFactory<TransformConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeTransform.getDescriptor().getFullName();
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<TransformConfig> configType() {
        return TransformConfig.class;
    }

    @Override
    public TransformConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeTransform t = TypedConfigs.unpack(typedConfig, EdgeTransform.class);
        Optional<TransformConfig.PathRewrite> path = Optional.empty();
        if (t.hasPath()) {
            try {
                Pattern.compile(t.getPath().getRegex());
            } catch (PatternSyntaxException e) {
                throw new FilterConfigException("path.regex: \"" + t.getPath().getRegex()
                        + "\" (expected: a valid regex: " + e.getDescription() + ")");
            }
            path = Optional.of(new TransformConfig.PathRewrite(t.getPath().getRegex(), t.getPath().getSubstitution()));
        }
        var query = new TransformConfig.NameOps(t.getQuery().getSetMap(), t.getQuery().getRemoveList(), t.getQuery().getRenameMap());
        return new TransformConfig(names(t.getRequestHeaders()), names(t.getResponseHeaders()), json(t.getRequestJson()),
                json(t.getResponseJson()), path, query, conversion(t.getRequestBody()), conversion(t.getResponseBody()));
    }

    @Override
    public HttpFilter create(TransformConfig config, FilterContext context) {
        return new TransformFilter(config, MAPPER);
    }

    private static TransformConfig.NameOps names(HeaderOps h) {
        return new TransformConfig.NameOps(h.getSetMap(), h.getRemoveList(), h.getRenameMap());
    }

    private static TransformConfig.JsonOps json(JsonOps j) {
        return new TransformConfig.JsonOps(j.getRenameMap(), j.getRemoveList(), j.getInjectMap());
    }

    private static TransformConfig.Conversion conversion(BodyConversion c) {
        return switch (c) {
            case XML_TO_JSON -> TransformConfig.Conversion.XML_TO_JSON;
            case JSON_TO_XML -> TransformConfig.Conversion.JSON_TO_XML;
            default -> TransformConfig.Conversion.UNCHANGED;
        };
    }
}
