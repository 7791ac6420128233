package io.weft.sidecar.telemetry;

import io.helidon.http.WritableHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Instant;

/**
 * One request's telemetry, from arrival to the last byte: its server span, the client span of each
 * upstream attempt, its metrics, its access-log line and its entry in the ring of recent requests.
 * Used by the one virtual thread handling the request; not thread-safe. {@link #finish} must be
 * called exactly once, in a {@code finally}.
 */
public final class RequestTelemetry {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> FLAGS = AttributeKey.stringKey("weft.response_flags");
    static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("weft.cluster");
    static final AttributeKey<String> PEER_IDENTITY = AttributeKey.stringKey("weft.peer.identity");
    static final AttributeKey<Long> RETRIES = AttributeKey.longKey("weft.retry_count");

    private final ListenerTelemetry listener;
    private final long startNanos;
    private final Instant time;
    private final Span span;
    private final Context context;
    private final String requestId;
    private final String method;
    private final String authority;
    private final String path;
    private final String peer;
    private ProxyMetrics.Series series;
    private String route = "";
    private String cluster = "";
    private String upstream = "";
    private String peerIdentity = "";
    private int attempts;
    private long upstreamNanos;
    private int status = 500;
    private String flags = "";
    private String detail = "";
    private long bytesReceived;
    private long bytesSent;
    private boolean finished;

    RequestTelemetry(ListenerTelemetry listener, long startNanos, Instant time, Span span, Context context, String requestId,
             String method, String authority, String path, String peer) {
        this.listener = listener;
        this.startNanos = startNanos;
        this.time = time;
        this.span = span;
        this.context = context;
        this.requestId = requestId;
        this.method = method;
        this.authority = authority;
        this.path = path;
        this.peer = peer;
    }

    /** The W3C trace id (32 hex digits), also sent back in {@code x-weft-trace-id}. */
    public String traceId() {
        return span.getSpanContext().getTraceId();
    }

    /** The request's {@code x-request-id}: the caller's, or one made here. */
    public String requestId() {
        return requestId;
    }

    /** The route matched. */
    public void routed(String routeName) {
        this.route = routeName;
        if (span.isRecording()) {
            span.updateName(method + " " + routeName);
            span.setAttribute(ROUTE, routeName);
        }
    }

    /** The caller's SPIFFE id, when it presented a client certificate. */
    public void peerIdentity(String spiffeId) {
        this.peerIdentity = spiffeId;
        span.setAttribute(PEER_IDENTITY, spiffeId);
    }

    /** Starts the next upstream attempt to {@code host}:{@code port} of {@code clusterName}; the first is attempt 1. */
    public Attempt attempt(String clusterName, String host, int port) {
        cluster(clusterName);
        attempts++;
        upstream = host + ":" + port;
        if (attempts > 1) {
            listener.metrics().retried(cluster);
        }
        return new Attempt(this, listener.tracing().tracer(), context, host, port, attempts);
    }

    void attemptEnded(int upstreamStatus, long nanos) {
        upstreamNanos += nanos;
        listener.metrics().attempt(series(), upstreamStatus, nanos);
    }

    /**
     * How the request ended, as the proxy's exchange recorded it.
     *
     * @param finalStatus   the status sent to the caller
     * @param responseFlags the response flags, comma-separated; empty when the upstream answered
     * @param reason        the proxy's own explanation when it answered itself, else empty
     * @param clusterName   the cluster it was sent to (empty when it never left the proxy)
     * @param endpoint      the last attempt's endpoint, host:port
     */
    public void outcome(int finalStatus, String responseFlags, String reason, String clusterName, String endpoint) {
        this.status = finalStatus;
        this.flags = responseFlags;
        this.detail = reason;
        if (!clusterName.equals(cluster)) {
            this.cluster = clusterName;
            this.series = null;
        }
        if (!endpoint.isEmpty()) {
            this.upstream = endpoint;
        }
    }

    /** Body bytes received from the caller and sent back to it. */
    public void bytes(long received, long sent) {
        this.bytesReceived = received;
        this.bytesSent = sent;
    }

    /** Ends the server span and records the request everywhere. Idempotent. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long nanos = System.nanoTime() - startNanos;
        if (span.isRecording()) {
            span.setAttribute(STATUS, (long) status);
            if (attempts > 1) {
                span.setAttribute(RETRIES, (long) (attempts - 1));
            }
            if (!flags.isEmpty()) {
                span.setAttribute(FLAGS, flags);
            }
            if (status >= 500 || !flags.isEmpty()) {
                span.setAttribute(ERROR_TYPE, flags.isEmpty() ? Integer.toString(status) : flags);
                span.setAttribute(ExportSwitch.FAILED, true);
                span.setStatus(StatusCode.ERROR, detail);
            }
        }
        span.end();
        listener.finished(this, series(), status, flags, nanos);
        var sc = span.getSpanContext();
        listener.record(new RequestRecord(time, sc.getTraceId(), sc.getSpanId(), requestId, listener.node(),
                listener.name(), method, authority, path, route, cluster, upstream, status, flags, detail,
                bytesReceived, bytesSent, nanos / 1000, upstreamNanos / 1000, attempts, peer, peerIdentity));
    }

    private ProxyMetrics.Series series() {
        if (series == null) {
            series = listener.series(route, cluster);
        }
        return series;
    }

    /** The cluster chosen (empty until one is). */
    public String cluster() {
        return cluster;
    }

    /** The cluster chosen, when no attempt is made (it has no endpoint). */
    public void cluster(String clusterName) {
        if (!clusterName.equals(cluster)) {
            cluster = clusterName;
            series = null;
            span.setAttribute(CLUSTER, clusterName);
        }
    }

    String method() {
        return method;
    }

    /**
     * One upstream attempt: a client span whose context is injected into the upstream request, so
     * the next proxy continues the trace under it.
     */
    public static final class Attempt {
        private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
        private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
        private static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");
        private static final AttributeKey<Long> RESEND = AttributeKey.longKey("http.request.resend_count");

        private final RequestTelemetry exchange;
        private final Span span;
        private final Context context;
        private final long start = System.nanoTime();
        private boolean ended;

        Attempt(RequestTelemetry exchange, io.opentelemetry.api.trace.Tracer tracer, Context parent, String host, int port, int n) {
            this.exchange = exchange;
            String cluster = exchange.cluster();
            this.span = tracer.spanBuilder(exchange.method())
                    .setParent(parent)
                    .setSpanKind(SpanKind.CLIENT)
                    .startSpan();
            if (span.isRecording()) {
                span.updateName(exchange.method() + " " + cluster);
                span.setAttribute(METHOD, exchange.method());
                span.setAttribute(SERVER_ADDRESS, host);
                span.setAttribute(SERVER_PORT, (long) port);
                span.setAttribute(CLUSTER, cluster);
                span.setAttribute(PEER_SERVICE, cluster.startsWith("inbound|") ? cluster.substring(8) : cluster);
                if (n > 1) {
                    span.setAttribute(RESEND, (long) (n - 1));
                }
            }
            this.context = parent.with(span);
        }

        /** Writes {@code traceparent}, {@code tracestate} and {@code baggage} for this attempt. */
        public void inject(WritableHeaders<?> headers) {
            Tracing.INJECT.inject(context, headers, HeaderAccess.SETTER);
        }

        /** The upstream answered with {@code status}. */
        public void end(int status) {
            if (ended) {
                return;
            }
            ended = true;
            if (span.isRecording()) {
                span.setAttribute(STATUS, (long) status);
                if (status >= 400) {
                    span.setAttribute(ERROR_TYPE, Integer.toString(status));
                    span.setStatus(StatusCode.ERROR);
                }
                if (status >= 500) {
                    span.setAttribute(ExportSwitch.FAILED, true);
                }
            }
            span.end();
            exchange.attemptEnded(status, System.nanoTime() - start);
        }

        /** The attempt failed without a response ({@code flag} UF, UT, ...). */
        public void fail(String flag, String reason) {
            if (ended) {
                return;
            }
            ended = true;
            if (span.isRecording()) {
                span.setAttribute(FLAGS, flag);
                span.setAttribute(ERROR_TYPE, flag);
                span.setAttribute(ExportSwitch.FAILED, true);
                span.setStatus(StatusCode.ERROR, reason);
            }
            span.end();
            exchange.attemptEnded(0, System.nanoTime() - start);
        }
    }
}
