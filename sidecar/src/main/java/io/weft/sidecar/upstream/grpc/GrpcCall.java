package io.weft.sidecar.upstream.grpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One proxied call: the current upstream ClientCall (guarded by a lock: it is not thread-safe), the
 * events of its attempts, and the request messages kept for a replay until a response header comes.
 */
final class GrpcCall {
    private static final io.helidon.http.Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/grpc");
    private static final io.helidon.http.Header TRAILER = HeaderValues.createCached(HeaderNames.TRAILER,
            "grpc-status, grpc-message, grpc-status-details-bin");

    sealed interface Event {
    }

    private record Head(int attempt, Metadata headers) implements Event {
    }

    private record Message(int attempt, byte[] bytes) implements Event {
    }

    private record Closed(int attempt, Status status, Metadata trailers) implements Event {
    }

    private final GrpcForwarder.CallFactory calls;
    private final Metadata headers;
    private final GrpcForwarder.Retrier retrier;
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

    GrpcCall(GrpcForwarder.CallFactory calls, Metadata headers, GrpcForwarder.Retrier retrier) {
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
                        if (replayBytes <= GrpcForwarder.REPLAY_LIMIT) {
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
