package io.weft.sidecar.filter.guard;

import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A route's first line of defence and API lifecycle headers.
 *
 * @param maxBodyBytes largest request body (0: the edge default)
 * @param allowCidrs   when non-empty, only these clients
 * @param denyCidrs    never these clients (checked first)
 */
public record GuardConfig(long maxBodyBytes, List<String> allowCidrs, List<String> denyCidrs, Optional<Cors> cors,
                          Optional<Instant> deprecatedAt, Optional<Instant> sunsetAt, Optional<String> deprecationLink)
        implements FilterConfig {
    public GuardConfig {
        allowCidrs = List.copyOf(allowCidrs);
        denyCidrs = List.copyOf(denyCidrs);
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(deprecatedAt, "deprecatedAt");
        Objects.requireNonNull(sunsetAt, "sunsetAt");
        Objects.requireNonNull(deprecationLink, "deprecationLink");
    }

    public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                       List<String> exposeHeaders, boolean allowCredentials, Duration maxAge) {
        public Cors {
            allowOrigins = List.copyOf(allowOrigins);
            allowMethods = List.copyOf(allowMethods);
            allowHeaders = List.copyOf(allowHeaders);
            exposeHeaders = List.copyOf(exposeHeaders);
            Objects.requireNonNull(maxAge, "maxAge");
        }
    }
}
