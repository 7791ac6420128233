package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.EdgeCache;
import io.weft.proto.v1.EdgeGuard;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.EdgeTransform;
import io.weft.sidecar.model.EdgeFilterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses a route's {@code typed_per_filter_config} entries for the edge filters into their domain
 * configs, in chain order ({@link EdgeFilterNames#ORDER}). An unknown {@code weft.edge.*} name or a
 * config that does not validate rejects the route (NACK); other names are left to other filters.
 */
final class EdgeFilterParser {
    private EdgeFilterParser() {
    }

    static List<EdgeFilterConfig> parse(Map<String, Any> typed, String where) throws InvalidResourceException {
        for (String name : typed.keySet()) {
            if (name.startsWith("weft.edge.") && !EdgeFilterNames.ORDER.contains(name)) {
                throw new InvalidResourceException(where + "[" + name + "]: unknown edge filter (expected one of "
                        + EdgeFilterNames.ORDER + ")");
            }
        }
        List<EdgeFilterConfig> out = new ArrayList<>();
        for (String name : EdgeFilterNames.ORDER) {
            Any any = typed.get(name);
            if (any == null) {
                continue;
            }
            String at = where + "[" + name + "]";
            out.add(switch (name) {
                case EdgeFilterNames.AUTHN -> EdgeConfigs.authn(unpack(any, EdgeAuthn.class, at), at);
                case EdgeFilterNames.RATE_LIMIT -> EdgeConfigs.rateLimit(unpack(any, EdgeRateLimit.class, at), at);
                case EdgeFilterNames.TRANSFORM -> EdgeConfigs.transform(unpack(any, EdgeTransform.class, at), at);
                case EdgeFilterNames.CACHE -> EdgeConfigs.cache(unpack(any, EdgeCache.class, at), at);
                case EdgeFilterNames.GUARD -> EdgeConfigs.guard(unpack(any, EdgeGuard.class, at), at);
                default -> throw new IllegalStateException("edge filter " + name + " listed in ORDER but not parsed");
            });
        }
        return List.copyOf(out);
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String where) throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": type " + any.getTypeUrl() + " (expected: weft.v1."
                    + type.getSimpleName() + ")");
        }
    }
}
