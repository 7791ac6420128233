package io.weft.sidecar.filter.transcode;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors;
import io.weft.proto.DescriptorPool;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.EdgeTranscode;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code weft.v1.EdgeTranscode} (filter {@code weft.edge.transcode}): builds the descriptors it
 * carries, finds the method, and checks that it is unary and that every path variable names a
 * top-level singular scalar field of the request. All of that happens once, when the route arrives.
 */
public final class TranscodeFilterFactory implements HttpFilterFactory<TranscodeConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeTranscode.getDescriptor().getFullName();

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<TranscodeConfig> configType() {
        return TranscodeConfig.class;
    }

    @Override
    public TranscodeConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeTranscode t = TypedConfigs.unpack(typedConfig, EdgeTranscode.class);
        Duration timeout = TypedConfigs.duration(t.getTimeout(), Duration.ofSeconds(5));
        if (t.getMethod().isEmpty()) {
            return new TranscodeConfig(Optional.empty(), t.getCluster(), PathTemplate.ANY, timeout, t.getAuthority());
        }
        DescriptorPool pool;
        try {
            pool = DescriptorPool.of(List.of(t.getDescriptors()));
        } catch (IllegalArgumentException e) {
            throw new FilterConfigException("descriptors: " + e.getMessage());
        }
        Descriptors.MethodDescriptor m = pool.method(t.getMethod()).orElseThrow(() -> new FilterConfigException(
                "method: \"" + t.getMethod() + "\" (expected: package.Service/Method declared in descriptors)"));
        if (m.isClientStreaming() || m.isServerStreaming()) {
            throw new FilterConfigException("method: \"" + t.getMethod() + "\" streams (expected: a unary method)");
        }
        if (t.getCluster().isEmpty()) {
            throw new FilterConfigException("cluster: empty (expected: the HTTP/2 cluster serving " + t.getMethod() + ")");
        }
        PathTemplate path;
        try {
            path = PathTemplate.parse(t.getPathTemplate());
        } catch (IllegalArgumentException e) {
            throw new FilterConfigException("path_template: " + e.getMessage());
        }
        for (String v : path.variables()) {
            Descriptors.FieldDescriptor f = m.getInputType().findFieldByName(v);
            if (f == null || f.isRepeated() || f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                throw new FilterConfigException("path_template: {" + v + "} (expected: a singular scalar field of "
                        + m.getInputType().getFullName() + ")");
            }
        }
        String authority = t.getAuthority().isEmpty() ? MeshNames.serviceOf(t.getCluster()) : t.getAuthority();
        return new TranscodeConfig(Optional.of(m), t.getCluster(), path, timeout, authority);
    }

    /** A route's transcoding must name a method (the listener's disabled placeholder names none). */
    @Override
    public TranscodeConfig parsePerRoute(Any typedConfig) throws FilterConfigException {
        TranscodeConfig c = parse(typedConfig);
        if (c.method().isEmpty()) {
            throw new FilterConfigException("method: empty (expected: package.Service/Method)");
        }
        return c;
    }


    @Override
    public HttpFilter create(TranscodeConfig config, FilterContext context) {
        return config.method().isEmpty() ? (ex, chain) -> chain.proceed() : new TranscodeFilter(config);
    }
}
