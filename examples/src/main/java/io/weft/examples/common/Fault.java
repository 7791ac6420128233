package io.weft.examples.common;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fault knob for the tour: added latency and an error rate, changed at runtime with
 * {@code POST /fault?latency=300ms&errorRate=0.5} (and read with {@code GET /fault}), so retries,
 * outlier ejection and circuit breaking can be shown without redeploying anything.
 */
public final class Fault {
    private volatile long latencyMillis;
    private volatile double errorRate;

    /** Registers {@code GET/POST /fault} on the app's own routing. */
    public void routes(HttpRules rules) {
        rules.get("/fault", (req, res) -> res.send(describe()))
                .post("/fault", (req, res) -> {
                    try {
                        req.query().first("latency").ifPresent(v -> latencyMillis = parseMillis(v));
                        req.query().first("errorRate").ifPresent(v -> errorRate = parseRate(v));
                    } catch (IllegalArgumentException e) {
                        res.status(Status.BAD_REQUEST_400).send(e.getMessage() + "\n");
                        return;
                    }
                    res.send(describe());
                });
    }

    /**
     * Applies the fault to one request: sleeps the configured latency, then, at the configured rate,
     * answers 503 itself. Returns true when it answered.
     */
    public boolean inject(ServerResponse res) {
        long l = latencyMillis;
        if (l > 0) {
            try {
                Thread.sleep(l);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double rate = errorRate;
        if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
            res.status(Status.SERVICE_UNAVAILABLE_503).send("{\"error\":\"injected fault\"}");
            return true;
        }
        return false;
    }

    private String describe() {
        return "{\"latencyMs\":" + latencyMillis + ",\"errorRate\":" + errorRate + "}\n";
    }

    private static long parseMillis(String v) {
        try {
            Duration d = v.endsWith("ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                    : v.endsWith("s") ? Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)))
                    : Duration.ofMillis(Long.parseLong(v));
            if (d.isNegative() || d.toSeconds() > 60) {
                throw new NumberFormatException();
            }
            return d.toMillis();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("latency: \"" + v + "\" (expected: a duration from 0ms to 60s, e.g. 300ms)");
        }
    }

    private static double parseRate(String v) {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("errorRate: \"" + v + "\" (expected: a number from 0 to 1)");
    }
}
