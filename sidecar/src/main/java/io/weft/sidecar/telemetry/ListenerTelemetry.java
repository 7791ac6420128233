package io.weft.sidecar.telemetry;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.weft.proto.MeshNames;
import io.weft.sidecar.config.ConfigSnapshot;
import java.util.Optional;

/**
 * The telemetry of one listener (inbound, outbound or edge): starts an {@link RequestTelemetry} per request.
 * Thread-safe.
 */
public final class ListenerTelemetry {
    /** Response header carrying the trace id, so a caller can quote it (and {@code weftctl why} find it). */
    public static final String TRACE_ID_HEADER = "x-weft-trace-id";
    public static final HeaderName TRACE_ID = HeaderNames.create(TRACE_ID_HEADER);
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    private static final AttributeKey<String> LISTENER = AttributeKey.stringKey("weft.listener");
    private static final AttributeKey<String> REQUEST_ID_ATTR = AttributeKey.stringKey("weft.request_id");

    private final ProxyTelemetry proxy;
    private final String name;
    private final boolean edge;
    private final Attributes attributes;

    ListenerTelemetry(ProxyTelemetry proxy, String name) {
        this.proxy = proxy;
        this.name = name;
        this.edge = name.equals(MeshNames.EDGE_LISTENER);
        this.attributes = ProxyMetrics.listenerAttributes(name);
    }

    /**
     * Starts a request's telemetry: continues the caller's trace (W3C, or B3) or starts one, and
     * applies the telemetry config of {@code snapshot} if it is new.
     *
     * @param authority the request's authority as routed
     * @param path      its path, without the query
     * @param requestId its {@code x-request-id} (the caller's, or one made for it)
     */
    public RequestTelemetry begin(ServerRequest req, Optional<ConfigSnapshot> snapshot, String authority, String path,
                                  String requestId) {
        long start = System.nanoTime();
        snapshot.ifPresent(proxy::apply);
        String method = req.prologue().method().text();
        Context parent = Tracing.EXTRACT.extract(Context.root(), req.headers(), HeaderAccess.GETTER)
                .with(PolicySampler.POLICY, proxy.tracing().policy(edge));
        Span span = proxy.tracing().tracer().spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        String peer = req.remotePeer().host();
        if (span.isRecording()) {
            span.setAttribute(RequestTelemetry.METHOD, method);
            span.setAttribute(URL_PATH, path);
            span.setAttribute(SERVER_ADDRESS, authority);
            span.setAttribute(CLIENT_ADDRESS, peer);
            span.setAttribute(LISTENER, name);
            span.setAttribute(REQUEST_ID_ATTR, requestId);
        }
        proxy.metrics().started(attributes);
        return new RequestTelemetry(this, start, proxy.clock().instant(), span, parent.with(span), requestId, method,
                authority, path, peer);
    }

    String name() {
        return name;
    }

    String node() {
        return proxy.node();
    }

    Tracing tracing() {
        return proxy.tracing();
    }

    ProxyMetrics metrics() {
        return proxy.metrics();
    }

    ProxyMetrics.Series series(String route, String cluster) {
        return proxy.metrics().series(name, route, cluster);
    }

    void finished(RequestTelemetry ex, ProxyMetrics.Series series, int status, String flags, long nanos) {
        proxy.metrics().finished(attributes, series, status, flags, nanos);
    }

    void record(RequestRecord r) {
        proxy.recent().add(r);
        proxy.accessLog().offer(r);
    }
}
