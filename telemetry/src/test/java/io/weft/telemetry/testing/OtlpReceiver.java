package io.weft.telemetry.testing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.weft.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real OTLP trace receiver for tests, on loopback ephemeral ports: the gRPC
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} service and the HTTP/protobuf
 * {@code POST /v1/traces} endpoint, both decoding the wire messages compiled from the OpenTelemetry
 * proto definitions. What it receives is kept in memory. Thread-safe.
 */
public final class OtlpReceiver implements AutoCloseable {
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final Server grpc;
    private final HttpServer http;
    private volatile int exportCalls;

    private OtlpReceiver() throws IOException {
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
                        accept(request);
                        out.onNext(ExportTraceServiceResponse.getDefaultInstance());
                        out.onCompleted();
                    }
                })
                .build()
                .start();
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/v1/traces", ex -> {
            try (ex; InputStream in = ex.getRequestBody()) {
                if (!"POST".equals(ex.getRequestMethod())) {
                    ex.sendResponseHeaders(405, -1);
                    return;
                }
                accept(ExportTraceServiceRequest.parseFrom(in.readAllBytes()));
                byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
        });
        http.start();
    }

    public static OtlpReceiver start() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the OTLP receiver", e);
        }
    }

    /** {@code http://127.0.0.1:PORT} of the gRPC receiver. */
    public String grpcEndpoint() {
        return "http://127.0.0.1:" + grpc.getPort();
    }

    /** {@code http://127.0.0.1:PORT} of the HTTP/protobuf receiver ({@code /v1/traces} is appended by exporters). */
    public String httpEndpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    public int exportCalls() {
        return exportCalls;
    }

    /** The spans of one trace. */
    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Waits until the spans received satisfy {@code done}; returns them either way. */
    public List<ReceivedSpan> await(Duration timeout, Predicate<List<ReceivedSpan>> done) throws InterruptedException {
        return Poll.until(timeout, this::spans, done);
    }

    private void accept(ExportTraceServiceRequest request) {
        exportCalls++;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = "";
            for (KeyValue kv : rs.getResource().getAttributesList()) {
                if (kv.getKey().equals("service.name")) {
                    service = text(kv.getValue());
                }
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    Map<String, String> attrs = new LinkedHashMap<>();
                    s.getAttributesList().forEach(kv -> attrs.put(kv.getKey(), text(kv.getValue())));
                    spans.add(new ReceivedSpan(hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()),
                            s.getName(), s.getKind().name().replace("SPAN_KIND_", ""), service,
                            s.getStatus().getCode().name().replace("STATUS_CODE_", ""), Map.copyOf(attrs)));
                }
            }
        }
    }

    private static String hex(ByteString b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            default -> v.toString().strip();
        };
    }

    @Override
    public void close() {
        http.stop(0);
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
