package io.weft.sidecar.telemetry;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.telemetry.metrics.Metrics;
import io.weft.telemetry.metrics.PrometheusText;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Telemetry on the admin port: {@code /stats/prometheus} and {@code /metrics} (Prometheus text, or
 * OpenMetrics when asked), {@code /requests} (recent requests, newest first), {@code /requests/{id}}
 * (by trace id or request id) and {@code /stats/routes} (rps, error rate, p50/p99 per route).
 */
public final class TelemetryAdmin implements HttpService {
    private final Metrics metrics;
    private final RecentRequests recent;
    private final Clock clock;

    TelemetryAdmin(Metrics metrics, RecentRequests recent, Clock clock) {
        this.metrics = metrics;
        this.recent = recent;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/stats/prometheus", this::scrape)
                .get("/metrics", this::scrape)
                .get("/requests", this::requests)
                .get("/requests/{id}", this::request)
                .get("/stats/routes", this::routes);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        PrometheusText.Format f = PrometheusText.negotiate(req.headers().first(HeaderNames.ACCEPT).orElse(""));
        res.header(HeaderNames.CONTENT_TYPE, PrometheusText.contentType(f)).send(metrics.scrape(f));
    }

    private void requests(ServerRequest req, ServerResponse res) {
        int limit = intParam(req, "limit", 100, res);
        if (limit > 0) {
            json(res, RecordJson.array(recent.newest(limit)));
        }
    }

    private void request(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        List<RequestRecord> found = recent.find(id);
        if (found.isEmpty()) {
            res.status(Status.NOT_FOUND_404);
        }
        json(res, RecordJson.array(found));
    }

    private void routes(ServerRequest req, ServerResponse res) {
        int window = intParam(req, "window", 10, res);
        if (window <= 0) {
            return;
        }
        var now = clock.instant();
        List<RouteStats> stats = RouteStats.compute(recent.since(now.minusSeconds(window)), now, Duration.ofSeconds(window));
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < stats.size(); i++) {
            RouteStats s = stats.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("{\"listener\":");
            RecordJson.str(sb, s.listener());
            sb.append(",\"route\":");
            RecordJson.str(sb, s.route());
            sb.append(String.format(Locale.ROOT, ",\"requests\":%d,\"rps\":%.2f,\"error_rate\":%.4f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}",
                    s.requests(), s.rps(), s.errorRate(), s.p50Ms(), s.p99Ms()));
        }
        json(res, sb.append("\n]\n").toString());
    }

    private static int intParam(ServerRequest req, String name, int dflt, ServerResponse res) {
        String v = req.query().first(name).orElse("");
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        res.status(Status.BAD_REQUEST_400).send(name + ": \"" + v + "\" (expected: a positive whole number)\n");
        return -1;
    }

    private static void json(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
    }
}
