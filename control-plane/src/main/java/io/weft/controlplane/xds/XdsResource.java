package io.weft.controlplane.xds;

import com.google.common.hash.Hashing;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import java.util.Objects;

/**
 * One named xDS resource, packed once, with a version derived from its bytes: equal content gives
 * equal versions, across snapshots and across control-plane restarts.
 */
public record XdsResource(String name, Any body, String version) {
    public XdsResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(version, "version");
    }

    public static XdsResource of(String name, Message message) {
        Any any = Any.pack(message);
        String version = Long.toHexString(Hashing.farmHashFingerprint64().hashBytes(any.getValue().toByteArray()).asLong());
        return new XdsResource(name, any, version);
    }
}
