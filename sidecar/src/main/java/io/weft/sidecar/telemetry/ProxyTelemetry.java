package io.weft.sidecar.telemetry;

import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.TelemetrySpec;
import io.weft.sidecar.xds.XdsUpdateListener;
import io.weft.telemetry.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything a proxy observes: tracing, metrics, the access log and the ring of recent requests.
 * One per proxy; listeners get their {@link ListenerTelemetry} from it. Its config comes from the
 * snapshot (the listeners' HCM tracing/access_log) and is re-applied when a request sees a new
 * snapshot. Thread-safe.
 */
public final class ProxyTelemetry implements AutoCloseable {
    /** Requests kept for {@code /requests} and {@code weftctl why}. */
    public static final int RECENT = 2048;

    private final String node;
    private final Clock clock;
    private final Metrics metrics;
    private final Tracing tracing;
    private final ProxyMetrics proxyMetrics;
    private final AccessLogWriter accessLog = AccessLogWriter.start();
    private final RecentRequests recent = new RecentRequests(RECENT);
    private final ReentrantLock applyLock = new ReentrantLock();
    private volatile ConfigSnapshot applied;

    private ProxyTelemetry(String node, String service, String namespace, String mode, Clock clock) {
        this.node = node;
        this.clock = clock;
        var resource = Tracing.resource(service, namespace, node, mode);
        this.metrics = Metrics.create(resource, Optional.empty(), Duration.ofSeconds(30));
        this.tracing = new Tracing(resource, metrics.provider());
        this.proxyMetrics = new ProxyMetrics(metrics, tracing.counters(), accessLog::written, accessLog::dropped);
    }

    /**
     * @param node    the proxy's node id
     * @param service the service it fronts (the edge's name for an edge): the spans' service.name
     * @param mode    "sidecar" or "edge"
     */
    public static ProxyTelemetry create(String node, String service, String namespace, String mode, Clock clock) {
        return new ProxyTelemetry(Objects.requireNonNull(node, "node"), Objects.requireNonNull(service, "service"),
                Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(clock, "clock"));
    }

    public ListenerTelemetry listener(String name) {
        return new ListenerTelemetry(this, Objects.requireNonNull(name, "name"));
    }

    /** Hooks for retries, outlier ejections, circuit breakers and pools. */
    public UpstreamObserver upstream() {
        return proxyMetrics;
    }

    /** Hooks for mTLS handshakes and certificate expiry. */
    public TlsObserver tls() {
        return proxyMetrics;
    }

    /** Counts xDS ACKs and NACKs and tracks the stream's state. */
    public XdsUpdateListener xds() {
        return proxyMetrics;
    }

    /** The admin endpoints: metrics, recent requests, live route stats. */
    public TelemetryAdmin admin() {
        return new TelemetryAdmin(metrics, recent, clock);
    }

    /** Applies the telemetry config of {@code snapshot} unless it is the one already applied. Cheap when not. */
    void apply(ConfigSnapshot snapshot) {
        if (snapshot == applied) {
            return;
        }
        applyLock.lock();
        try {
            if (snapshot == applied) {
                return;
            }
            TelemetrySpec spec = snapshot.sources().listeners().values().stream()
                    .min(Comparator.comparing(ListenerSpec::name))
                    .map(ListenerSpec::telemetry).orElse(TelemetrySpec.DEFAULT);
            try {
                tracing.configure(spec.tracing());
                var log = spec.accessLog();
                accessLog.configure(log.enabled(), log.path(), log.successRatio(), log.fields());
            } catch (IllegalArgumentException e) {
                System.err.println("weft " + node + ": telemetry config not applied: " + e.getMessage());
            }
            applied = snapshot;
        } finally {
            applyLock.unlock();
        }
    }

    /** Exports the spans queued so far (tests, shutdown). */
    public void flush() {
        tracing.flush();
    }

    String node() {
        return node;
    }

    Clock clock() {
        return clock;
    }

    Tracing tracing() {
        return tracing;
    }

    ProxyMetrics metrics() {
        return proxyMetrics;
    }

    RecentRequests recent() {
        return recent;
    }

    AccessLogWriter accessLog() {
        return accessLog;
    }

    @Override
    public void close() {
        tracing.close();
        accessLog.close();
        metrics.close();
    }
}
