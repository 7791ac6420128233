package io.weft.sidecar.model;

/**
 * A cluster's concurrency limits (Envoy {@code circuit_breakers.thresholds}, default priority).
 *
 * @param maxRequests            requests in flight at once; more are refused with 503 UO (bulkhead)
 * @param maxRetries             retries in flight at once, when no budget is set
 * @param retryBudgetPercent     retries allowed as a share of requests in flight; negative when unset
 * @param minRetryConcurrency    retries always allowed under a budget
 */
public record LimitsSpec(int maxRequests, int maxRetries, double retryBudgetPercent, int minRetryConcurrency) {
    /** Envoy's defaults: 1024 requests, 3 retries, no budget. */
    public static final LimitsSpec DEFAULTS = new LimitsSpec(1024, 3, -1, 3);

    /** How many retries may run now, with {@code active} requests in flight. */
    public int retryAllowance(int active) {
        if (retryBudgetPercent < 0) {
            return maxRetries;
        }
        return Math.max(minRetryConcurrency, (int) (active * retryBudgetPercent / 100.0));
    }
}
