package io.weft.sidecar.telemetry;

/**
 * What the upstream side of the proxy (retries, outlier detection, circuit breakers, pools) reports
 * for metrics. Called on request or health-check threads; implementations are thread-safe and never
 * block. Every method defaults to doing nothing. Cluster names come from config (bounded).
 */
public interface UpstreamObserver {
    /** A request to {@code cluster} is being retried (called once per retry, not for the first attempt). */
    default void retried(String cluster) {
    }

    /** Outlier detection ejected {@code endpoint} (host:port) from {@code cluster}. */
    default void ejected(String cluster, String endpoint) {
    }

    /** The circuit breaker of {@code cluster} opened ({@code true}) or closed again. */
    default void circuitBreaker(String cluster, boolean open) {
    }

    /** Current connection pool use of {@code cluster}. */
    default void pool(String cluster, int active, int idle) {
    }
}
