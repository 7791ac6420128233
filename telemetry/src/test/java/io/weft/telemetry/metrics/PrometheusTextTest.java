package io.weft.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("weft.route");

    @Test
    void countersHistogramsAndGaugesAreWrittenInPrometheusText() {
        try (Metrics metrics = Metrics.create(Resource.empty(), Optional.empty(), Duration.ofMinutes(1))) {
            Meter m = metrics.meter("weft");
            LongCounter requests = m.counterBuilder("weft.proxy.requests").setUnit("{request}")
                    .setDescription("Requests handled").build();
            DoubleHistogram latency = m.histogramBuilder("weft.proxy.request.duration").setUnit("s")
                    .setExplicitBucketBoundariesAdvice(java.util.List.of(0.1, 1.0)).build();
            LongUpDownCounter active = m.upDownCounterBuilder("weft.proxy.active_requests").build();
            requests.add(2, Attributes.of(ROUTE, "orders \"api\""));
            latency.record(0.05, Attributes.of(ROUTE, "orders"));
            latency.record(0.5, Attributes.of(ROUTE, "orders"));
            active.add(3);
            active.add(-1);

            String text = metrics.scrape(PrometheusText.Format.TEXT);
            assertTrue(text.contains("# HELP weft_proxy_requests_total Requests handled\n"
                    + "# TYPE weft_proxy_requests_total counter\n"
                    + "weft_proxy_requests_total{weft_route=\"orders \\\"api\\\"\"} 2\n"), text);
            assertTrue(text.contains("# TYPE weft_proxy_request_duration_seconds histogram\n"
                    + "weft_proxy_request_duration_seconds_bucket{weft_route=\"orders\",le=\"0.1\"} 1\n"
                    + "weft_proxy_request_duration_seconds_bucket{weft_route=\"orders\",le=\"1.0\"} 2\n"
                    + "weft_proxy_request_duration_seconds_bucket{weft_route=\"orders\",le=\"+Inf\"} 2\n"
                    + "weft_proxy_request_duration_seconds_sum{weft_route=\"orders\"} 0.55\n"
                    + "weft_proxy_request_duration_seconds_count{weft_route=\"orders\"} 2\n"), text);
            assertTrue(text.contains("# TYPE weft_proxy_active_requests gauge\nweft_proxy_active_requests 2\n"), text);
            assertTrue(!text.contains("# EOF"), text);
        }
    }

    @Test
    void openMetricsNamesTheCounterFamilyWithoutTotalAndEndsWithEof() {
        try (Metrics metrics = Metrics.create(Resource.empty(), Optional.empty(), Duration.ofMinutes(1))) {
            metrics.meter("weft").counterBuilder("weft.xds.updates").build().add(1);
            String text = metrics.scrape(PrometheusText.negotiate("application/openmetrics-text;version=1.0.0,text/plain;q=0.5"));
            assertTrue(text.contains("# TYPE weft_xds_updates counter\nweft_xds_updates_total 1\n"), text);
            assertTrue(text.endsWith("# EOF\n"), text);
            assertEquals(PrometheusText.Format.TEXT, PrometheusText.negotiate("text/plain"));
        }
    }
}
