package io.weft.sidecar.listener;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts off clients that start a request and then stall (slowloris): once a request line has arrived,
 * the header fields must follow within the header timeout, or the connection is closed. Helidon's
 * idle timeout covers connections that have not started a request. One watchdog virtual thread per
 * listener; thread-safe.
 */
public final class SlowClientGuard implements Http1ConnectionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SlowClientGuard.class.getName());

    private final long timeoutNanos;
    private final Map<ConnectionContext, Long> heads = new ConcurrentHashMap<>();
    private final Thread watchdog;
    private volatile boolean closed;

    public SlowClientGuard(Duration headerTimeout) {
        this.timeoutNanos = headerTimeout.toNanos();
        long tick = Math.max(50, Math.min(1000, headerTimeout.toMillis() / 4));
        this.watchdog = Thread.ofVirtual().name("weft-slow-client-guard").start(() -> loop(tick));
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        heads.put(ctx, System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        heads.remove(ctx);
    }

    private void loop(long tickMillis) {
        while (!closed) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            heads.entrySet().removeIf(e -> {
                if (now - e.getValue() < timeoutNanos) {
                    return false;
                }
                ConnectionContext c = e.getKey();
                LOG.log(System.Logger.Level.INFO, "closing " + c.remotePeer().address()
                        + ": request header fields did not arrive within " + Duration.ofNanos(timeoutNanos));
                c.serverSocket().close();
                return true;
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }
}
