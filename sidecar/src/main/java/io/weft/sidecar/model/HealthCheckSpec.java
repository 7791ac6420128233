package io.weft.sidecar.model;

import java.time.Duration;
import java.util.Objects;

/**
 * An active HTTP health check (Envoy {@code health_checks[0].http_health_check}).
 *
 * @param path               the path to GET
 * @param host               the Host to send; empty for the cluster name
 * @param interval           time between checks of one endpoint
 * @param timeout            how long one check may take
 * @param unhealthyThreshold failed checks in a row that mark an endpoint unhealthy
 * @param healthyThreshold   passed checks in a row that mark it healthy again
 * @param expectedLow        lowest status that passes (inclusive)
 * @param expectedHigh       highest status that passes (exclusive)
 */
public record HealthCheckSpec(String path, String host, Duration interval, Duration timeout, int unhealthyThreshold,
                              int healthyThreshold, int expectedLow, int expectedHigh) {
    public HealthCheckSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }

    public boolean passes(int status) {
        return status >= expectedLow && status < expectedHigh;
    }
}
