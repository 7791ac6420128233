package io.weft.controlplane.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When and how a route retries.
 *
 * @param attempts     retries after the first try (Envoy's {@code num_retries})
 * @param perTryTimeout the deadline of each try, if any
 * @param retryOn      conditions, in Envoy's {@code retry_on} vocabulary ({@code 5xx}, {@code connect-failure},
 *                     {@code unavailable}, ...)
 * @param backoffBase  the first back-off interval; later ones grow exponentially with jitter
 * @param backoffMax   the longest back-off interval
 */
public record RetrySpec(int attempts, Optional<Duration> perTryTimeout, List<String> retryOn,
                        Duration backoffBase, Duration backoffMax) {
    public RetrySpec {
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        retryOn = List.copyOf(retryOn);
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
    }
}
