package io.weft.sidecar.upstream.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
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
        Call call = new Call(a -> channel(a).newCall(descriptor, opts), GrpcWire.toMetadata(ex.upstreamHeaders()), retrier);
        call.start(address);
        String encoding = ex.header(HeaderNames.create("grpc-encoding")).orElse("identity");
        Thread.ofVirtual().name("weft-grpc-request").start(() -> call.pump(ex.request().content().inputStream(), encoding));
        return call.relay(ex);
    }

    /** Makes a call to an endpoint. */
    @FunctionalInterface
    private interface CallFactory {
        ClientCall<byte[], byte[]> newCall(InetSocketAddress address);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    private sealed interface Event {
    }

    private record Head(int attempt, Metadata headers) implements Event {
    }

    private record Message(int attempt, byte[] bytes) implements Event {
    }

    private record Closed(int attempt, Status status, Metadata trailers) implements Event {
    }

    /**
     * One proxied call: the current upstream ClientCall (guarded by a lock: it is not thread-safe), the
     * events of its attempts, and the request messages kept for a replay until a response header comes.
     */
    private static final class Call {
        private final CallFactory calls;
        private final Metadata headers;
        private final Retrier retrier;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ready = lock.newCondition();
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private ClientCall<byte[], byte[]> call;
        private volatile int attempt;
        private java.util.List<byte[]> replay = new java.util.ArrayList<>();
        private int replayBytes;
        private boolean halfClosed;
        private boolean headersSeen;
        private volatile boolean closed;

        Call(CallFactory calls, Metadata headers, Retrier retrier) {
            this.calls = calls;
            this.headers = headers;
            this.retrier = retrier;
        }

        /** Starts an attempt at {@code address}, replaying what the caller has sent so far. */
        void start(InetSocketAddress address) {
            lock.lock();
            try {
                int n = ++attempt;
                closed = false;
                call = calls.newCall(address);
                call.start(new Listener(n), headers);
                call.request(1);
                if (replay != null) {
                    replay.forEach(call::sendMessage);
                }
                if (halfClosed) {
                    call.halfClose();
                }
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
                        int keptAt = -1;
                        if (replay != null) {
                            replayBytes += m.get().length;
                            if (replayBytes <= REPLAY_LIMIT) {
                                replay.add(m.get());
                                keptAt = attempt;
                            } else {
                                replay = null; // too much to replay: this call is not retried any more
                            }
                        }
                        while (!call.isReady() && !closed) {
                            ready.await(100, TimeUnit.MILLISECONDS); // releases the lock: a retry may start meanwhile
                        }
                        if (keptAt >= 0 && keptAt != attempt) {
                            continue; // a new attempt started while we waited, and replayed this message already
                        }
                        call.sendMessage(m.get());
                    } finally {
                        lock.unlock();
                    }
                }
                lock.lock();
                try {
                    halfClosed = true;
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
                    if (stale(e)) {
                        continue; // from an attempt given up on
                    }
                    switch (e) {
                        case Head h -> {
                            headersSeen = true;
                            lock.lock();
                            try {
                                replay = null; // the upstream has answered: no more retries
                            } finally {
                                lock.unlock();
                            }
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
                            if (!headersSeen && retryable(c.status())) {
                                continue; // a new attempt has started
                            }
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

        private boolean stale(Event e) {
            int n = switch (e) {
                case Head h -> h.attempt();
                case Message m -> m.attempt();
                case Closed c -> c.attempt();
            };
            return n != attempt;
        }

        /** Starts another attempt when the retrier and the replay buffer allow it. */
        private boolean retryable(Status s) {
            boolean replayable;
            lock.lock();
            try {
                replayable = replay != null;
            } finally {
                lock.unlock();
            }
            if (!replayable) {
                return false;
            }
            Optional<InetSocketAddress> next = retrier.next(s, connectFailure(s));
            if (next.isEmpty()) {
                return false;
            }
            start(next.get());
            return true;
        }

        private static boolean connectFailure(Status s) {
            for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return true;
                }
            }
            return false;
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

        /** The events of one attempt, tagged with its number. */
        private final class Listener extends ClientCall.Listener<byte[]> {
            private final int n;

            Listener(int n) {
                this.n = n;
            }

            @Override
            public void onHeaders(Metadata h) {
                events.add(new Head(n, h));
            }

            @Override
            public void onMessage(byte[] message) {
                events.add(new Message(n, message));
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                if (n == attempt) {
                    closed = true;
                }
                events.add(new Closed(n, status, trailers));
                signalReady();
            }

            @Override
            public void onReady() {
                signalReady();
            }
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
