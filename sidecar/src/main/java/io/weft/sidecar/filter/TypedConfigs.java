package io.weft.sidecar.filter;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.time.Duration;

/** Helpers for filter factories that read their {@code typed_config}. Stateless. */
public final class TypedConfigs {
    private TypedConfigs() {
    }

    /** Unpacks a typed config, or refuses it naming the type it carries and the one expected. */
    public static <T extends Message> T unpack(Any any, Class<T> type) throws FilterConfigException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new FilterConfigException("typed_config: type " + any.getTypeUrl() + " (expected: "
                    + type.getName().replace("io.weft.proto.v1.", "weft.v1.") + "; " + e.getMessage() + ")");
        }
    }

    /** A protobuf duration, or {@code otherwise} when it is unset, zero or negative. */
    public static Duration duration(com.google.protobuf.Duration d, Duration otherwise) {
        Duration v = Duration.ofSeconds(d.getSeconds(), d.getNanos());
        return v.isZero() || v.isNegative() ? otherwise : v;
    }
}
