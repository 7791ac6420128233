package io.weft.sidecar.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When and how often a route retries (Envoy {@code RouteAction.retry_policy}).
 *
 * @param conditions               what counts as retriable
 * @param numRetries               retries after the first attempt
 * @param perTryTimeout            deadline of each attempt, if any (the route timeout still bounds them all)
 * @param baseInterval             first back-off; later ones grow exponentially, with full jitter
 * @param maxInterval              cap on one back-off
 * @param retriableStatusCodes     statuses retried under {@link Condition#RETRIABLE_STATUS_CODES}
 * @param retriableRequestHeaders  non-idempotent requests are retried only when they match all of these
 *                                 (e.g. {@code :method} POST); empty: only idempotent methods are retried
 */
public record RetryPolicySpec(Set<Condition> conditions, int numRetries, Optional<Duration> perTryTimeout,
                              Duration baseInterval, Duration maxInterval, Set<Integer> retriableStatusCodes,
                              List<HeaderSpec> retriableRequestHeaders) {
    /** Envoy's {@code retry_on} values Weft honours. */
    public enum Condition {
        FIVE_XX("5xx"), GATEWAY_ERROR("gateway-error"), RESET("reset"), CONNECT_FAILURE("connect-failure"),
        RETRIABLE_4XX("retriable-4xx"), REFUSED_STREAM("refused-stream"), RETRIABLE_STATUS_CODES("retriable-status-codes"),
        GRPC_CANCELLED("cancelled"), GRPC_DEADLINE_EXCEEDED("deadline-exceeded"), GRPC_INTERNAL("internal"),
        GRPC_RESOURCE_EXHAUSTED("resource-exhausted"), GRPC_UNAVAILABLE("unavailable");

        private final String token;

        Condition(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public static Optional<Condition> of(String token) {
            for (Condition c : values()) {
                if (c.token.equals(token)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    public RetryPolicySpec {
        conditions = Set.copyOf(conditions);
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        Objects.requireNonNull(baseInterval, "baseInterval");
        Objects.requireNonNull(maxInterval, "maxInterval");
        retriableStatusCodes = Set.copyOf(retriableStatusCodes);
        retriableRequestHeaders = List.copyOf(retriableRequestHeaders);
    }
}
