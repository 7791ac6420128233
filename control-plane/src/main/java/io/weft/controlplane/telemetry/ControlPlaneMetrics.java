package io.weft.controlplane.telemetry;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.resources.Resource;
import io.weft.controlplane.model.ProxyNode;
import io.weft.controlplane.xds.XdsListener;
import io.weft.telemetry.metrics.Metrics;
import io.weft.telemetry.metrics.PrometheusText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control plane's metrics (names in docs/observability.md): connected proxies, xDS pushes, ACKs
 * and NACKs, push latency (a response sent → its ACK) and convergence (the first push of a mesh
 * version → each proxy's ACK of it), and CA issuances. Fed by the xDS server's {@link XdsListener}
 * hooks and by {@link #certificateIssued}. Labels are xDS type names and results only. Thread-safe,
 * never blocks.
 */
public final class ControlPlaneMetrics implements XdsListener, AutoCloseable {
    private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");
    private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
    private static final int KEPT_VERSIONS = 64;

    private final Clock clock;
    private final Metrics metrics;
    private final LongCounter pushes;
    private final LongCounter responses;
    private final LongCounter issuances;
    private final DoubleHistogram pushLatency;
    private final DoubleHistogram convergence;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong meshVersion = new AtomicLong();
    private final Map<String, Instant> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Instant> firstPush = new ConcurrentSkipListMap<>();
    private final Map<String, Long> convergedVersion = new ConcurrentHashMap<>();

    private ControlPlaneMetrics(Clock clock) {
        this.clock = clock;
        this.metrics = Metrics.create(Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), "weft-control-plane"))), Optional.empty(), Duration.ofSeconds(30));
        Meter m = metrics.meter("io.weft.controlplane");
        m.gaugeBuilder("weft.controlplane.proxies.connected").ofLongs().setUnit("{proxy}")
                .setDescription("Proxies with an open ADS stream").buildWithCallback(g -> g.record(connected.get()));
        m.gaugeBuilder("weft.controlplane.mesh.version").ofLongs()
                .setDescription("The newest mesh state version pushed").buildWithCallback(g -> g.record(meshVersion.get()));
        pushes = m.counterBuilder("weft.controlplane.xds.pushes").setUnit("{response}")
                .setDescription("xDS responses sent, by type").build();
        responses = m.counterBuilder("weft.controlplane.xds.responses").setUnit("{response}")
                .setDescription("Proxies' answers to pushes, by type and result (ack, nack)").build();
        issuances = m.counterBuilder("weft.controlplane.ca.issuances").setUnit("{certificate}")
                .setDescription("Certificates the CA issued (result=success) or refused (result=failure)").build();
        pushLatency = m.histogramBuilder("weft.controlplane.xds.push.duration").setUnit("s")
                .setDescription("From sending an xDS response to the proxy's ACK or NACK of it, by type")
                .setExplicitBucketBoundariesAdvice(Metrics.LATENCY_BUCKETS).build();
        convergence = m.histogramBuilder("weft.controlplane.convergence.duration").setUnit("s")
                .setDescription("From the first push of a mesh version to each proxy's ACK of it")
                .setExplicitBucketBoundariesAdvice(Metrics.LATENCY_BUCKETS).build();
    }

    public static ControlPlaneMetrics create(Clock clock) {
        return new ControlPlaneMetrics(java.util.Objects.requireNonNull(clock, "clock"));
    }

    /** The CA issued a certificate ({@code ok}) or refused a CSR. */
    public void certificateIssued(boolean ok) {
        issuances.add(1, Attributes.of(RESULT, ok ? "success" : "failure"));
    }

    @Override
    public void connected(ProxyNode node) {
        connected.incrementAndGet();
    }

    @Override
    public void disconnected(ProxyNode node) {
        connected.decrementAndGet();
        inFlight.keySet().removeIf(k -> k.startsWith(node.id() + "\u0000"));
        convergedVersion.remove(node.id());
    }

    @Override
    public void pushed(ProxyNode node, String typeUrl, String version, long mesh) {
        Instant now = clock.instant();
        pushes.add(1, Attributes.of(TYPE, shortType(typeUrl)));
        inFlight.put(node.id() + "\u0000" + typeUrl, now);
        if (firstPush.putIfAbsent(mesh, now) == null) {
            meshVersion.accumulateAndGet(mesh, Math::max);
            while (firstPush.size() > KEPT_VERSIONS) {
                firstPush.pollFirstEntry();
            }
        }
    }

    @Override
    public void acked(ProxyNode node, String typeUrl, String version, long mesh) {
        Instant now = clock.instant();
        answered(node, typeUrl, "ack", now);
        Instant first = firstPush.get(mesh);
        Long before = convergedVersion.get(node.id());
        if (first != null && (before == null || before < mesh)) {
            convergedVersion.put(node.id(), mesh);
            convergence.record(seconds(first, now));
        }
    }

    @Override
    public void nacked(ProxyNode node, String typeUrl, String version, String error) {
        answered(node, typeUrl, "nack", clock.instant());
    }

    private void answered(ProxyNode node, String typeUrl, String result, Instant now) {
        String type = shortType(typeUrl);
        responses.add(1, Attributes.of(TYPE, type, RESULT, result));
        Instant sent = inFlight.remove(node.id() + "\u0000" + typeUrl);
        if (sent != null) {
            pushLatency.record(seconds(sent, now), Attributes.of(TYPE, type));
        }
    }

    /** Serves the metrics in Prometheus text (or OpenMetrics when the scraper asks for it). */
    public void scrape(ServerRequest req, ServerResponse res) {
        PrometheusText.Format f = PrometheusText.negotiate(req.headers().first(HeaderNames.ACCEPT).orElse(""));
        res.header(HeaderNames.CONTENT_TYPE, PrometheusText.contentType(f)).send(metrics.scrape(f));
    }

    /** The metrics as Prometheus text. */
    public String text() {
        return metrics.scrape(PrometheusText.Format.TEXT);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }

    private static String shortType(String typeUrl) {
        return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
