package io.weft.sidecar.filter.ratelimit;

import io.weft.sidecar.filter.FilterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A route's rate limits; every rule applies. */
public record RateLimitConfig(List<Rule> rules) implements FilterConfig {
    public RateLimitConfig {
        rules = List.copyOf(rules);
    }

    public enum Key { CLIENT, IP, ROUTE }

    public enum Algorithm { TOKEN_BUCKET, SLIDING_WINDOW }

    public enum Mode { REJECT, THROTTLE }

    /**
     * @param requests  requests allowed per {@code per}
     * @param burst     token bucket capacity
     * @param maxDelay  throttle: the longest a request is held
     * @param maxQueued throttle: how many may be held at once
     * @param shared    when present, the bucket lives in Redis and is shared by every edge
     */
    public record Rule(String name, Key key, Algorithm algorithm, long requests, Duration per, long burst, Mode mode,
                       Duration maxDelay, int maxQueued, Optional<Redis> shared) {
        public Rule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(per, "per");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(shared, "shared");
        }

        /** Tokens per nanosecond. */
        double ratePerNano() {
            return (double) requests / per.toNanos();
        }
    }

    public record Redis(String host, int port, String keyPrefix, Duration timeout, boolean failClosed) {
        public Redis {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(timeout, "timeout");
        }
    }
}
