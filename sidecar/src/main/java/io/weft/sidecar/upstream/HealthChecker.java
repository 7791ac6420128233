package io.weft.sidecar.upstream;

import io.helidon.http.WritableHeaders;
import io.weft.sidecar.model.HealthCheckSpec;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Active HTTP health checks: GETs each endpoint's health path every interval (each check on its own
 * virtual thread, one at a time per endpoint) and marks it unhealthy after {@code unhealthy_threshold}
 * failures in a row, healthy again after {@code healthy_threshold} passes. Endpoints start healthy.
 * Thread-safe.
 */
final class HealthChecker {
    private final Http1Client client;
    private final Ticker ticker;
    private final Set<EndpointState> running = ConcurrentHashMap.newKeySet();

    HealthChecker(Http1Client client, Ticker ticker) {
        this.client = client;
        this.ticker = ticker;
    }

    /** Starts a check of every endpoint of the cluster that is not being checked already. */
    void checkAll(ClusterState cluster) {
        if (cluster.spec() == null || cluster.spec().healthCheck().isEmpty()) {
            return;
        }
        HealthCheckSpec hc = cluster.spec().healthCheck().get();
        String host = hc.host().isEmpty() ? cluster.name() : hc.host();
        for (EndpointState e : cluster.current()) {
            if (running.add(e)) {
                Thread.ofVirtual().name("weft-health-check").start(() -> {
                    try {
                        boolean ok = check(e, hc, host);
                        apply(e, ok, hc, ticker.nanos());
                    } finally {
                        running.remove(e);
                    }
                });
            }
        }
    }

    private boolean check(EndpointState e, HealthCheckSpec hc, String host) {
        WritableHeaders<?> h = WritableHeaders.create();
        h.set(io.helidon.http.HeaderNames.USER_AGENT, "weft-health-check");
        UpstreamRequest req = new UpstreamRequest("GET", hc.path(), host, h, UpstreamRequest.Body.NONE);
        long deadline = System.nanoTime() + hc.timeout().toNanos();
        try (UpstreamResponse r = client.send(e.address(), req, (int) hc.timeout().toMillis(), deadline)) {
            r.body().transferTo(java.io.OutputStream.nullOutputStream());
            return hc.passes(r.status());
        } catch (UpstreamException | java.io.IOException ex) {
            return false;
        }
    }

    private static void apply(EndpointState e, boolean ok, HealthCheckSpec hc, long now) {
        synchronized (e) { // counters only, no I/O
            if (ok) {
                e.checkFailures = 0;
                if (!e.activeHealthy && ++e.checkPasses >= hc.healthyThreshold()) {
                    e.activeHealthy = true;
                    e.returnedAtNanos = now;
                }
            } else {
                e.checkPasses = 0;
                if (e.activeHealthy && ++e.checkFailures >= hc.unhealthyThreshold()) {
                    e.activeHealthy = false;
                }
            }
        }
    }
}
