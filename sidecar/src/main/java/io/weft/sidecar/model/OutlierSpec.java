package io.weft.sidecar.model;

import java.time.Duration;

/**
 * Passive outlier detection (Envoy {@code outlier_detection}): endpoints that keep failing are taken
 * out of rotation for a while, longer each time, and come back gradually.
 *
 * @param consecutive5xx            consecutive 5xx (or connect failures) that eject; 0 disables
 * @param consecutiveGatewayFailure consecutive 502/503/504 or connect failures that eject; 0 disables
 * @param interval                  how often ejections are reviewed and success rates computed
 * @param baseEjectionTime          ejection time the first time; multiplied by the number of ejections
 * @param maxEjectionTime           cap on the ejection time
 * @param maxEjectionPercent        most endpoints that may be ejected at once (at least one is allowed)
 * @param successRateMinimumHosts   endpoints with enough volume needed for success-rate ejection; 0 disables
 * @param successRateRequestVolume  requests in an interval for an endpoint to count
 * @param successRateStdevFactor    eject below mean - stdev * factor / 1000
 */
public record OutlierSpec(int consecutive5xx, int consecutiveGatewayFailure, Duration interval, Duration baseEjectionTime,
                          Duration maxEjectionTime, int maxEjectionPercent, int successRateMinimumHosts,
                          int successRateRequestVolume, int successRateStdevFactor) {
}
