package io.weft.sidecar.upstream.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
    private static final io.helidon.http.Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/grpc");
    private static final io.helidon.http.Header TRAILER = HeaderValues.createCached(HeaderNames.TRAILER,
            "grpc-status, grpc-message, grpc-status-details-bin");

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

    /**
     * Makes the call at {@code address} and relays it until the upstream closes it.
     *
     * @param deadlineNanos the route's absolute {@link System#nanoTime()} deadline, or 0; the caller's
     *                      {@code grpc-timeout} applies too, whichever is sooner
     * @return the status the call ended with
     */
    public Status forward(Exchange ex, InetSocketAddress address, long deadlineNanos) {
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
        Call call = new Call(channel(address).newCall(descriptor, options));
        call.start(GrpcWire.toMetadata(ex.upstreamHeaders()));
        String encoding = ex.header(HeaderNames.create("grpc-encoding")).orElse("identity");
        Thread.ofVirtual().name("weft-grpc-request").start(() -> call.pump(ex.request().content().inputStream(), encoding));
        return call.relay(ex);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    private sealed interface Event {
    }

    private record Head(Metadata headers) implements Event {
    }

    private record Message(byte[] bytes) implements Event {
    }

    private record Closed(Status status, Metadata trailers) implements Event {
    }

    /** One proxied call: the upstream ClientCall (guarded by a lock: it is not thread-safe) and its events. */
    private static final class Call extends ClientCall.Listener<byte[]> {
        private final ClientCall<byte[], byte[]> call;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ready = lock.newCondition();
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private boolean headersSeen;
        private volatile boolean closed;

        Call(ClientCall<byte[], byte[]> call) {
            this.call = call;
        }

        void start(Metadata headers) {
            lock.lock();
            try {
                call.start(this, headers);
                call.request(1);
            } finally {
                lock.unlock();
            }
        }

        /** Copies the downstream's messages upstream, waiting for the upstream to be ready; half-closes at the end. */
        void pump(InputStream in, String encoding) {
            try {
                Optional<byte[]> m;
                while ((m = GrpcWire.readMessage(in, encoding)).isPresent()) {
                    lock.lock();
                    try {
                        while (!call.isReady() && !closed) {
                            ready.await(100, TimeUnit.MILLISECONDS);
                        }
                        call.sendMessage(m.get());
                    } finally {
                        lock.unlock();
                    }
                }
                lock.lock();
                try {
                    call.halfClose();
                } finally {
                    lock.unlock();
                }
            } catch (IOException | RuntimeException e) {
                cancel("downstream request stream failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel("interrupted", e);
            }
        }

        private void cancel(String why, Throwable cause) {
            lock.lock();
            try {
                call.cancel(why, cause);
            } catch (IllegalStateException alreadyClosed) {
                // the call has ended already
            } finally {
                lock.unlock();
            }
        }

        /** Writes the upstream's head, messages and status downstream as they come; returns the final status. */
        Status relay(Exchange ex) {
            ServerResponse res = ex.response();
            OutputStream os = null;
            try {
                while (true) {
                    Event e = events.take();
                    switch (e) {
                        case Head h -> {
                            headersSeen = true;
                            res.status(200).header(CONTENT_TYPE);
                            // announce exactly the gRPC trailers (Helidon would add its own "stream-result")
                            res.beforeSend(() -> res.headers().set(TRAILER));
                            GrpcWire.addMetadata(h.headers(), res.headers());
                            os = res.outputStream();
                            os.flush(); // send the head now: a bidi caller may wait for it
                        }
                        case Message m -> {
                            GrpcWire.writeMessage(os, m.bytes());
                            os.flush();
                            lock.lock();
                            try {
                                call.request(1);
                            } finally {
                                lock.unlock();
                            }
                        }
                        case Closed c -> {
                            finish(ex, res, os, c);
                            return c.status();
                        }
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                cancel("downstream went away", e);
                ex.addFlag(ResponseFlag.DC);
                throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel("interrupted", e);
                throw new IllegalStateException("interrupted while relaying a gRPC call", e);
            }
        }

        private void finish(Exchange ex, ServerResponse res, OutputStream os, Closed c) throws IOException {
            Status s = c.status();
            if (!headersSeen) {
                flagLocalFailure(ex, s);
                // "trailers-only": the status travels in the head, which ends the stream
                res.status(200).header(CONTENT_TYPE);
                statusFields(s, c.trailers(), res.headers());
                // Helidon: a closed, empty stream is one HEADERS frame with END_STREAM, unless the head announces
                // trailers (it adds "Trailer: stream-result" when the caller sent "TE: trailers"): drop that
                res.beforeSend(() -> res.headers().remove(HeaderNames.TRAILER));
                res.outputStream().close();
                return;
            }
            statusFields(s, c.trailers(), res.trailers());
            os.close();
        }

        private static void statusFields(Status s, Metadata trailers, io.helidon.http.WritableHeaders<?> out) {
            out.set(HeaderValues.create(HeaderNames.createFromLowercase("grpc-status"), String.valueOf(s.getCode().value())));
            if (s.getDescription() != null) {
                out.set(HeaderValues.create(HeaderNames.createFromLowercase("grpc-message"), GrpcWire.encodeMessage(s.getDescription())));
            }
            GrpcWire.addMetadata(trailers, out);
        }

        /** A status the upstream never sent (grpc-java made it locally) gets the matching response flag. */
        private static void flagLocalFailure(Exchange ex, Status s) {
            Throwable cause = s.getCause();
            while (cause != null && !(cause instanceof ConnectException)) {
                cause = cause.getCause();
            }
            if (cause instanceof ConnectException) {
                ex.addFlag(ResponseFlag.UF);
            } else if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                ex.addFlag(ResponseFlag.UT);
            } else if (s.getCode() == Status.Code.UNAVAILABLE && s.getCause() != null) {
                ex.addFlag(ResponseFlag.UR);
            }
        }

        @Override
        public void onHeaders(Metadata headers) {
            events.add(new Head(headers));
        }

        @Override
        public void onMessage(byte[] message) {
            events.add(new Message(message));
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            closed = true;
            events.add(new Closed(status, trailers));
            signalReady();
        }

        @Override
        public void onReady() {
            signalReady();
        }

        private void signalReady() {
            lock.lock();
            try {
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
