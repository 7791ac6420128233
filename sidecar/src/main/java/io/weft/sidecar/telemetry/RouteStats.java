package io.weft.sidecar.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live view of routes for {@code weftctl top}: requests per second, error rate and latency
 * percentiles over a recent window, computed from the ring of recent requests. When the ring holds
 * less than the window (heavy traffic), the rates are over the span it does hold.
 *
 * @param listener  the listener
 * @param route     the route ("" when none matched)
 * @param requests  requests in the window
 * @param rps       requests per second
 * @param errorRate share of failed requests (5xx or a response flag), 0 to 1
 * @param p50Ms     median latency in milliseconds
 * @param p99Ms     99th percentile latency in milliseconds
 */
public record RouteStats(String listener, String route, int requests, double rps, double errorRate,
                         double p50Ms, double p99Ms) {

    static List<RouteStats> compute(List<RequestRecord> newestFirst, Instant now, Duration window) {
        if (newestFirst.isEmpty()) {
            return List.of();
        }
        Instant oldest = newestFirst.get(newestFirst.size() - 1).time();
        double seconds = Math.max(0.001, Math.min(window.toNanos(), Duration.between(oldest, now).toNanos()) / 1e9);
        Map<String, List<RequestRecord>> byRoute = new LinkedHashMap<>();
        for (RequestRecord r : newestFirst) {
            byRoute.computeIfAbsent(r.listener() + "\u0000" + r.route(), k -> new ArrayList<>()).add(r);
        }
        List<RouteStats> out = new ArrayList<>();
        byRoute.forEach((k, rs) -> {
            long[] micros = rs.stream().mapToLong(RequestRecord::durationMicros).toArray();
            Arrays.sort(micros);
            long failed = rs.stream().filter(RequestRecord::failed).count();
            out.add(new RouteStats(rs.get(0).listener(), rs.get(0).route(), rs.size(), rs.size() / seconds,
                    (double) failed / rs.size(), percentile(micros, 0.50), percentile(micros, 0.99)));
        });
        out.sort(Comparator.comparingDouble(RouteStats::rps).reversed());
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }
}
