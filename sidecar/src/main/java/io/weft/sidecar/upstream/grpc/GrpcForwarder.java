package io.weft.sidecar.upstream.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.HeaderNames;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.Upstreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Proxies gRPC calls with grpc-java as the upstream client: each downstream call becomes a generic
 * call on a channel to the chosen endpoint, messages copied as bytes both ways at the same time (so
 * unary, client-, server- and bidirectional streaming all work), with flow control in both
 * directions, metadata passed through, and the upstream's status and trailers returned unchanged.
 * Calls that fail in the proxy (connect failure, deadline) get a gRPC status and a response flag.
 * Thread-safe; one channel per endpoint.
 */
public final class GrpcForwarder implements AutoCloseable {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final Map<InetSocketAddress, ManagedChannel> channels = new ConcurrentHashMap<>();

    private ManagedChannel channel(InetSocketAddress address) {
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forAddress(a)
                .usePlaintext()
                .maxInboundMessageSize(GrpcWire.MAX_MESSAGE)
                .maxInboundMetadataSize(64 * 1024)
                .disableRetry()
                .build());
    }

    /**
     * Makes one unary call at {@code address} (for transcoding) and waits for its end, on the caller's thread.
     * Failures in the proxy (connect failure, deadline) come back as their gRPC status, like the service's own.
     */
    public Upstreams.GrpcReply unary(InetSocketAddress address, Upstreams.GrpcCall call) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(call.fullMethod()).build();
        Metadata headers = new Metadata();
        call.metadata().forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        long left = call.deadlineNanos() - System.nanoTime();
        if (left <= 0) {
            return new Upstreams.GrpcReply(Status.Code.DEADLINE_EXCEEDED.value(), "no time left for the call", new byte[0]);
        }
        CallOptions options = CallOptions.DEFAULT.withAuthority(call.authority()).withDeadlineAfter(left, TimeUnit.NANOSECONDS);
        try {
            byte[] reply = ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel(address), MetadataUtils.newAttachHeadersInterceptor(headers)),
                    method, options, call.message());
            return new Upstreams.GrpcReply(0, "", reply);
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            return new Upstreams.GrpcReply(s.getCode().value(), s.getDescription() == null ? "" : s.getDescription(), new byte[0]);
        }
    }

    /** Decides whether a call that failed before any response header is tried again, and where. */
    @FunctionalInterface
    public interface Retrier {
        /**
         * @param status         how the attempt ended (before any response header)
         * @param connectFailure the attempt never reached an upstream
         * @return the endpoint for the next attempt; empty to give up
         */
        Optional<InetSocketAddress> next(Status status, boolean connectFailure);
    }

    /** Requests up to this size (all messages so far) are kept so a failed attempt can be replayed. */
    static final int REPLAY_LIMIT = 64 * 1024;

    /**
     * Makes the call at {@code address} and relays it until the upstream closes it. While no response
     * header has arrived and the request so far fits the replay buffer, a failed attempt is made
     * again where {@code retrier} says, with the messages sent so far.
     *
     * @param deadlineNanos the route's absolute {@link System#nanoTime()} deadline, or 0; the caller's
     *                      {@code grpc-timeout} applies too, whichever is sooner
     * @return the status the call ended with
     */
    public Status forward(Exchange ex, InetSocketAddress address, long deadlineNanos, Retrier retrier) {
        String method = ex.upstreamPath().startsWith("/") ? ex.upstreamPath().substring(1) : ex.upstreamPath();
        CallOptions options = CallOptions.DEFAULT.withAuthority(ex.upstreamAuthority());
        long deadline = deadlineNanos;
        Optional<Long> callerTimeout = ex.header(HeaderNames.create("grpc-timeout")).flatMap(GrpcWire::timeoutNanos);
        if (callerTimeout.isPresent()) {
            long d = ex.startNanos() + callerTimeout.get();
            deadline = deadline == 0 ? d : Math.min(deadline, d);
        }
        if (deadline != 0) {
            options = options.withDeadlineAfter(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(method)
                .build();
        CallOptions opts = options;
        GrpcCall call = new GrpcCall(a -> channel(a).newCall(descriptor, opts), GrpcWire.toMetadata(ex.upstreamHeaders()), retrier);
        call.start(address);
        String encoding = ex.header(HeaderNames.create("grpc-encoding")).orElse("identity");
        Thread.ofVirtual().name("weft-grpc-request").start(() -> call.pump(ex.request().content().inputStream(), encoding));
        return call.relay(ex);
    }

    /** Makes a call to an endpoint. */
    @FunctionalInterface
    interface CallFactory {
        ClientCall<byte[], byte[]> newCall(InetSocketAddress address);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

}
