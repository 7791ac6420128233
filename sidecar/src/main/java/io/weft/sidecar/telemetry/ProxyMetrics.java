package io.weft.sidecar.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.weft.sidecar.xds.XdsUpdateListener;
import io.weft.telemetry.export.ExportCounters;
import io.weft.telemetry.metrics.Metrics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The proxy's metrics (names in docs/observability.md). Labels are bounded: listener, route and
 * cluster names come from config and are capped at {@link #MAX_SERIES} combinations per listener
 * (the rest count under {@code route="_other_"}), status as its class (2xx...), response flags from
 * a fixed set. Attribute sets are built once per series, so recording allocates nothing. Thread-safe.
 */
final class ProxyMetrics implements UpstreamObserver, TlsObserver, XdsUpdateListener {
    static final int MAX_SERIES = 500;
    static final String OTHER = "_other_";
    static final AttributeKey<String> LISTENER = AttributeKey.stringKey("listener");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");
    static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("cluster");
    static final AttributeKey<String> STATUS_CLASS = AttributeKey.stringKey("status_class");
    static final AttributeKey<String> FLAGS = AttributeKey.stringKey("response_flags");
    private static final String[] CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final LongCounter requests;
    private final DoubleHistogram duration;
    private final LongUpDownCounter active;
    private final LongCounter attempts;
    private final DoubleHistogram upstreamDuration;
    private final LongCounter retries;
    private final LongCounter ejections;
    private final LongCounter handshakes;
    private final LongCounter xdsUpdates;
    private final Map<String, Boolean> breakers = new ConcurrentHashMap<>();
    private final Map<String, int[]> pools = new ConcurrentHashMap<>();
    private final AtomicLong certificateExpiry = new AtomicLong(-1);
    private volatile boolean xdsConnected;
    private final Map<String, Map<SeriesKey, Series>> series = new ConcurrentHashMap<>();

    ProxyMetrics(Metrics metrics, ExportCounters spans, LongSupplier logWritten, LongSupplier logDropped) {
        Meter m = metrics.meter("io.weft.sidecar");
        requests = m.counterBuilder("weft.proxy.requests").setUnit("{request}")
                .setDescription("Requests handled, by listener, route, cluster, status class and response flags").build();
        duration = m.histogramBuilder("weft.proxy.request.duration").setUnit("s")
                .setDescription("Time from a request's arrival to its last response byte")
                .setExplicitBucketBoundariesAdvice(Metrics.LATENCY_BUCKETS).build();
        active = m.upDownCounterBuilder("weft.proxy.active_requests").setUnit("{request}")
                .setDescription("Requests in flight, by listener").build();
        attempts = m.counterBuilder("weft.upstream.attempts").setUnit("{attempt}")
                .setDescription("Upstream attempts (first tries and retries), by cluster and status class").build();
        upstreamDuration = m.histogramBuilder("weft.upstream.request.duration").setUnit("s")
                .setDescription("Time of one upstream attempt, by cluster")
                .setExplicitBucketBoundariesAdvice(Metrics.LATENCY_BUCKETS).build();
        retries = m.counterBuilder("weft.upstream.retries").setUnit("{retry}")
                .setDescription("Retries of upstream requests, by cluster").build();
        ejections = m.counterBuilder("weft.upstream.outlier_ejections").setUnit("{ejection}")
                .setDescription("Endpoints ejected by outlier detection, by cluster").build();
        handshakes = m.counterBuilder("weft.tls.handshakes").setUnit("{handshake}")
                .setDescription("mTLS handshakes, by direction and result").build();
        xdsUpdates = m.counterBuilder("weft.xds.updates").setUnit("{update}")
                .setDescription("xDS responses accepted (ACK) or rejected (NACK), by type").build();
        m.gaugeBuilder("weft.upstream.circuit_breaker.open").ofLongs()
                .setDescription("1 while the cluster's circuit breaker is open")
                .buildWithCallback(g -> breakers.forEach((c, open) -> g.record(open ? 1 : 0, Attributes.of(CLUSTER, c))));
        m.gaugeBuilder("weft.upstream.pool.connections").ofLongs().setUnit("{connection}")
                .setDescription("Upstream connections, by cluster and state (active, idle)")
                .buildWithCallback(g -> pools.forEach((c, use) -> {
                    g.record(use[0], Attributes.of(CLUSTER, c, AttributeKey.stringKey("state"), "active"));
                    g.record(use[1], Attributes.of(CLUSTER, c, AttributeKey.stringKey("state"), "idle"));
                }));
        m.gaugeBuilder("weft.tls.certificate.expiry_time").ofLongs().setUnit("s")
                .setDescription("When the served certificate expires, in seconds since the epoch")
                .buildWithCallback(g -> {
                    long t = certificateExpiry.get();
                    if (t >= 0) {
                        g.record(t);
                    }
                });
        m.gaugeBuilder("weft.xds.connected").ofLongs()
                .setDescription("1 while the ADS stream to the control plane is up")
                .buildWithCallback(g -> g.record(xdsConnected ? 1 : 0));
        m.counterBuilder("weft.tracing.spans.exported").setUnit("{span}")
                .setDescription("Spans the collector accepted")
                .buildWithCallback(c -> c.record(spans.exported()));
        m.counterBuilder("weft.tracing.spans.dropped").setUnit("{span}")
                .setDescription("Spans lost because the export to the collector failed")
                .buildWithCallback(c -> c.record(spans.dropped()));
        m.counterBuilder("weft.access_log.lines").setUnit("{line}")
                .setDescription("Access log lines written")
                .buildWithCallback(c -> c.record(logWritten.getAsLong()));
        m.counterBuilder("weft.access_log.dropped").setUnit("{line}")
                .setDescription("Access log lines lost because the writer fell behind")
                .buildWithCallback(c -> c.record(logDropped.getAsLong()));
    }

    /** The per-route counters of one listener/route/cluster. */
    Series series(String listener, String route, String cluster) {
        Map<SeriesKey, Series> byListener = series.computeIfAbsent(listener, l -> new ConcurrentHashMap<>());
        SeriesKey key = new SeriesKey(route, cluster);
        Series s = byListener.get(key);
        if (s == null) {
            if (byListener.size() >= MAX_SERIES) {
                key = new SeriesKey(OTHER, OTHER);
            }
            s = byListener.computeIfAbsent(key, k -> new Series(listener, k.route, k.cluster));
        }
        return s;
    }

    void started(Attributes listener) {
        active.add(1, listener);
    }

    void finished(Attributes listener, Series s, int status, String flags, long nanos) {
        active.add(-1, listener);
        int c = statusClass(status);
        requests.add(1, flags.isEmpty() ? s.plain[c] : s.flagged(c, flags));
        duration.record(nanos / 1e9, s.byClass[c]);
    }

    void attempt(Series s, int status, long nanos) {
        int c = statusClass(status);
        attempts.add(1, s.upstream[c]);
        upstreamDuration.record(nanos / 1e9, s.upstreamAll);
    }

    static Attributes listenerAttributes(String listener) {
        return Attributes.of(LISTENER, listener);
    }

    private static int statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? c : 0;
    }

    @Override
    public void retried(String cluster) {
        retries.add(1, Attributes.of(CLUSTER, cluster));
    }

    @Override
    public void ejected(String cluster, String endpoint) {
        ejections.add(1, Attributes.of(CLUSTER, cluster));
    }

    @Override
    public void circuitBreaker(String cluster, boolean open) {
        if (breakers.size() < MAX_SERIES || breakers.containsKey(cluster)) {
            breakers.put(cluster, open);
        }
    }

    @Override
    public void pool(String cluster, int activeConnections, int idle) {
        if (pools.size() < MAX_SERIES || pools.containsKey(cluster)) {
            pools.put(cluster, new int[] {activeConnections, idle});
        }
    }

    @Override
    public void handshake(String direction, boolean ok) {
        handshakes.add(1, Attributes.of(AttributeKey.stringKey("direction"), direction,
                AttributeKey.stringKey("result"), ok ? "success" : "failure"));
    }

    @Override
    public void certificate(Instant notAfter) {
        certificateExpiry.set(notAfter.getEpochSecond());
    }

    @Override
    public void accepted(String typeUrl, String version) {
        xdsConnected = true; // a response arrived, so the stream is up (the client reports no separate connect)
        xdsUpdates.add(1, Attributes.of(AttributeKey.stringKey("type"), shortType(typeUrl),
                AttributeKey.stringKey("result"), "ack"));
    }

    @Override
    public void rejected(String typeUrl, String version, String error) {
        xdsConnected = true;
        xdsUpdates.add(1, Attributes.of(AttributeKey.stringKey("type"), shortType(typeUrl),
                AttributeKey.stringKey("result"), "nack"));
    }

    @Override
    public void connected() {
        xdsConnected = true;
    }

    @Override
    public void disconnected(Throwable cause) {
        xdsConnected = false;
    }

    private static String shortType(String typeUrl) {
        return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
    }

    private record SeriesKey(String route, String cluster) {
    }

    /** Pre-built attribute sets of one listener/route/cluster. */
    static final class Series {
        final String route;
        final String cluster;
        final Attributes[] plain = new Attributes[CLASSES.length];
        final Attributes[] byClass = new Attributes[CLASSES.length];
        final Attributes[] upstream = new Attributes[CLASSES.length];
        final Attributes upstreamAll;
        private final Map<String, Attributes> flagged = new ConcurrentHashMap<>();
        private final String listener;

        Series(String listener, String route, String cluster) {
            this.listener = listener;
            this.route = route;
            this.cluster = cluster;
            for (int i = 0; i < CLASSES.length; i++) {
                byClass[i] = Attributes.of(LISTENER, listener, ROUTE, route, CLUSTER, cluster, STATUS_CLASS, CLASSES[i]);
                plain[i] = byClass[i].toBuilder().put(FLAGS, "-").build();
                upstream[i] = Attributes.of(CLUSTER, cluster, STATUS_CLASS, CLASSES[i]);
            }
            upstreamAll = Attributes.of(CLUSTER, cluster);
        }

        Attributes flagged(int statusClass, String flags) {
            return flagged.computeIfAbsent(CLASSES[statusClass] + '|' + flags,
                    k -> byClass[statusClass].toBuilder().put(FLAGS, flags).build());
        }
    }
}
