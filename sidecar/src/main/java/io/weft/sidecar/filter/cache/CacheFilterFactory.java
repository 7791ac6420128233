package io.weft.sidecar.filter.cache;

import com.google.protobuf.Any;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.EdgeCache;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.time.Duration;
import java.util.Locale;

/** Reads {@code weft.v1.EdgeCache} (filter {@code weft.edge.cache}) and makes a route's cache filter over the proxy's one {@link ResponseCaches}. */
public final class CacheFilterFactory implements HttpFilterFactory<CacheConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeCache.getDescriptor().getFullName();

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<CacheConfig> configType() {
        return CacheConfig.class;
    }

    @Override
    public CacheConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeCache c = TypedConfigs.unpack(typedConfig, EdgeCache.class);
        return new CacheConfig(TypedConfigs.duration(c.getDefaultTtl(), Duration.ZERO),
                c.getKeyHeadersList().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), c.getKeyQueryList(),
                c.getMaxBodyBytes() == 0 ? 1 << 20 : c.getMaxBodyBytes());
    }

    @Override
    public HttpFilter create(CacheConfig config, FilterContext context) {
        return new CacheFilter(config, ResponseCaches.of(context.shared(), context.clock()));
    }
}
