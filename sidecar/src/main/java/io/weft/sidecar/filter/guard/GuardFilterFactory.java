package io.weft.sidecar.filter.guard;

import com.google.protobuf.Any;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.EdgeGuard;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads {@code weft.v1.EdgeGuard} (filter {@code weft.edge.guard}) and makes the guard filter; address lists are parsed here, once. */
public final class GuardFilterFactory implements HttpFilterFactory<GuardConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeGuard.getDescriptor().getFullName();

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<GuardConfig> configType() {
        return GuardConfig.class;
    }

    @Override
    public GuardConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeGuard g = TypedConfigs.unpack(typedConfig, EdgeGuard.class);
        for (String cidr : Stream.concat(g.getAllowCidrsList().stream(), g.getDenyCidrsList().stream()).toList()) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new FilterConfigException("cidrs: " + e.getMessage());
            }
        }
        Optional<GuardConfig.Cors> cors = Optional.empty();
        if (g.hasCors()) {
            var c = g.getCors();
            cors = Optional.of(new GuardConfig.Cors(c.getAllowOriginsList(), c.getAllowMethodsList(), c.getAllowHeadersList(),
                    c.getExposeHeadersList(), c.getAllowCredentials(), TypedConfigs.duration(c.getMaxAge(), Duration.ofMinutes(10))));
        }
        return new GuardConfig(g.getMaxBodyBytes(), g.getAllowCidrsList(), g.getDenyCidrsList(), cors,
                g.hasDeprecatedAt() ? Optional.of(Instant.ofEpochSecond(g.getDeprecatedAt().getSeconds())) : Optional.empty(),
                g.hasSunsetAt() ? Optional.of(Instant.ofEpochSecond(g.getSunsetAt().getSeconds())) : Optional.empty(),
                g.getDeprecationLink().isEmpty() ? Optional.empty() : Optional.of(g.getDeprecationLink()));
    }

    @Override
    public HttpFilter create(GuardConfig config, FilterContext context) {
        return new GuardFilter(config);
    }
}
