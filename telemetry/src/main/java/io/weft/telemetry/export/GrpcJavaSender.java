package io.weft.telemetry.export;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One OTLP gRPC export call per {@link #send}, unary, with the exporter's timeout as deadline. The
 * OTLP message is already encoded by the exporter; this class only frames it. No retries: a failed
 * export is reported to the exporter, which counts the spans as dropped. Thread-safe.
 */
final class GrpcJavaSender implements GrpcSender {
    private static final MethodDescriptor.Marshaller<MessageWriter> REQUEST = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(MessageWriter value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, value.getContentLength()));
            try {
                value.writeMessage(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode OTLP request", e);
            }
            return new ByteArrayInputStream(out.toByteArray());
        }

        @Override
        public MessageWriter parse(InputStream stream) {
            throw new UnsupportedOperationException("client side only");
        }
    };
    private static final MethodDescriptor.Marshaller<byte[]> RESPONSE = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read OTLP response", e);
            }
        }
    };

    private final ManagedChannel channel;
    private final MethodDescriptor<MessageWriter, byte[]> method;
    private final GrpcSenderConfig config;

    private GrpcJavaSender(ManagedChannel channel, MethodDescriptor<MessageWriter, byte[]> method, GrpcSenderConfig config) {
        this.channel = channel;
        this.method = method;
        this.config = config;
    }

    static GrpcJavaSender create(GrpcSenderConfig config) {
        URI endpoint = config.getEndpoint();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 4317);
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(endpoint.getHost(), port)
                .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()));
        if ("https".equals(endpoint.getScheme())) {
            b.useTransportSecurity();
        } else {
            b.usePlaintext();
        }
        if (config.getExecutorService() != null) {
            b.executor(config.getExecutorService());
        }
        MethodDescriptor<MessageWriter, byte[]> method = MethodDescriptor.<MessageWriter, byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(config.getFullMethodName())
                .setRequestMarshaller(REQUEST)
                .setResponseMarshaller(RESPONSE)
                .build();
        return new GrpcJavaSender(b.build(), method, config);
    }

    @Override
    public void send(MessageWriter request, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        Map<String, List<String>> extra = config.getHeadersSupplier() == null ? Map.of() : config.getHeadersSupplier().get();
        ClientCall<MessageWriter, byte[]> call;
        if (extra.isEmpty()) {
            call = channel.newCall(method, options);
        } else {
            Metadata headers = new Metadata();
            extra.forEach((k, vs) -> vs.forEach(v -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v)));
            call = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, options);
        }
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            private byte[] body = new byte[0];

            @Override
            public void onNext(byte[] value) {
                body = value;
            }

            @Override
            public void onError(Throwable t) {
                if (t instanceof StatusRuntimeException sre) {
                    Status s = sre.getStatus();
                    onResponse.accept(new Response(GrpcStatusCode.fromValue(s.getCode().value()),
                            s.getDescription() == null ? s.getCode().name() : s.getDescription(), new byte[0]));
                } else {
                    onError.accept(t);
                }
            }

            @Override
            public void onCompleted() {
                onResponse.accept(new Response(GrpcStatusCode.OK, "", body));
            }
        });
    }

    @Override
    public CompletableResultCode shutdown() {
        channel.shutdownNow();
        return CompletableResultCode.ofSuccess();
    }

    private record Response(GrpcStatusCode statusCode, String statusDescription, byte[] responseMessage)
            implements GrpcResponse {
        @Override
        public GrpcStatusCode getStatusCode() {
            return statusCode;
        }

        @Override
        public String getStatusDescription() {
            return statusDescription;
        }

        @Override
        public byte[] getResponseMessage() {
            return responseMessage;
        }
    }
}
