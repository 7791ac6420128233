package io.weft.proto;

import com.google.protobuf.Message;
import io.weft.proto.v1.EdgeAggregate;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.EdgeCache;
import io.weft.proto.v1.EdgeGuard;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.EdgeTranscode;
import io.weft.proto.v1.EdgeTransform;
import java.util.List;

/**
 * Names of the edge's HTTP filters, as they appear in the edge listener's {@code http_filters} (each
 * disabled there) and as keys of {@code Route.typed_per_filter_config} (where a route enables it with
 * its config). The list order is the order in which the edge runs them on a request.
 */
public final class EdgeFilterNames {
    public static final String GUARD = "weft.edge.guard";
    public static final String AUTHN = "weft.edge.authn";
    public static final String RATE_LIMIT = "weft.edge.rate_limit";
    public static final String CACHE = "weft.edge.cache";
    public static final String TRANSFORM = "weft.edge.transform";
    public static final String AGGREGATE = "weft.edge.aggregate";
    public static final String TRANSCODE = "weft.edge.transcode";

    /**
     * Chain order: guard (CORS, size, IP lists), authentication, rate limit, cache, transformation, then
     * aggregation or transcoding, which answer the request themselves (so the cache and the
     * transformation see their answers).
     */
    public static final List<String> ORDER = List.of(GUARD, AUTHN, RATE_LIMIT, CACHE, TRANSFORM, AGGREGATE, TRANSCODE);

    private EdgeFilterNames() {
    }

    /** The empty config of a filter, for its (disabled) entry in the edge listener's {@code http_filters}. */
    public static Message defaultConfig(String name) {
        return switch (name) {
            case GUARD -> EdgeGuard.getDefaultInstance();
            case AUTHN -> EdgeAuthn.getDefaultInstance();
            case RATE_LIMIT -> EdgeRateLimit.getDefaultInstance();
            case CACHE -> EdgeCache.getDefaultInstance();
            case TRANSFORM -> EdgeTransform.getDefaultInstance();
            case AGGREGATE -> EdgeAggregate.getDefaultInstance();
            case TRANSCODE -> EdgeTranscode.getDefaultInstance();
            default -> throw new IllegalArgumentException("edge filter \"" + name + "\" (expected: one of " + ORDER + ")");
        };
    }
}
