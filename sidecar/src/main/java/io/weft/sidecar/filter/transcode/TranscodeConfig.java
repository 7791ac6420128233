package io.weft.sidecar.filter.transcode;

import com.google.protobuf.Descriptors;
import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A route that answers HTTP/JSON by calling one unary gRPC method. The method's descriptor is the
 * one protobuf object past the xDS parser: the filter needs it to build messages it has no classes for.
 *
 * @param method empty only for the listener's disabled placeholder
 */
public record TranscodeConfig(Optional<Descriptors.MethodDescriptor> method, String cluster, PathTemplate path,
                              Duration timeout, String authority) implements FilterConfig {
    public TranscodeConfig {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(authority, "authority");
    }

    /** {@code package.Service/Method}, as gRPC names it on the wire. */
    String fullMethod() {
        return method.map(m -> m.getService().getFullName() + "/" + m.getName()).orElse("");
    }
}
