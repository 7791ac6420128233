package io.weft.sidecar.filter.authn;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A provider's current key set. A URI or file source is re-read in the background every refresh
 * interval by a virtual thread; a token with an unknown {@code kid} triggers an early refresh, at most
 * once every {@link #MIN_REFETCH}. A failed refresh keeps the last good set. Thread-safe.
 */
final class JwksSource implements AutoCloseable {
    static final Duration MIN_REFETCH = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(JwksSource.class.getName());

    private final AuthnConfig.KeySource source;
    private final Clock clock;
    private final HttpClient http;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final Thread refresher;
    private volatile JWKSet current = new JWKSet();
    private volatile Instant lastFetch = Instant.EPOCH;
    private volatile FileTime fileTime;

    private JwksSource(AuthnConfig.KeySource source, Clock clock) {
        this.source = source;
        this.clock = clock;
        this.http = source instanceof AuthnConfig.KeySource.Uri
                ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build() : null;
        refresh();
        Duration every = switch (source) {
            case AuthnConfig.KeySource.Uri u -> u.refresh();
            case AuthnConfig.KeySource.File f -> f.refresh();
            case AuthnConfig.KeySource.Inline i -> Duration.ZERO;
        };
        this.refresher = every.isZero() ? null : Thread.ofVirtual().name("jwks-refresh").start(() -> loop(every));
    }

    static JwksSource start(AuthnConfig.KeySource source, Clock clock) {
        return new JwksSource(Objects.requireNonNull(source, "source"), Objects.requireNonNull(clock, "clock"));
    }

    JWKSet keys() {
        return current;
    }

    /** Re-reads the keys now unless that happened within {@link #MIN_REFETCH}; returns the (new) set. */
    JWKSet refreshForUnknownKid() {
        if (source instanceof AuthnConfig.KeySource.Inline
                || clock.instant().isBefore(lastFetch.plus(MIN_REFETCH))) {
            return current;
        }
        refresh();
        return current;
    }

    private void loop(Duration every) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(every);
                refresh();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void refresh() {
        if (!refreshLock.tryLock()) {
            return; // another thread is at it
        }
        try {
            lastFetch = clock.instant();
            switch (source) {
                case AuthnConfig.KeySource.Inline i -> current = JWKSet.parse(i.jwks());
                case AuthnConfig.KeySource.File f -> {
                    FileTime t = Files.getLastModifiedTime(f.path());
                    if (!t.equals(fileTime)) {
                        current = JWKSet.parse(Files.readString(f.path()));
                        fileTime = t;
                    }
                }
                case AuthnConfig.KeySource.Uri u -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(u.uri()))
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("HTTP " + r.statusCode());
                    }
                    current = JWKSet.parse(r.body());
                }
            }
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.log(Level.WARNING, "JWKS " + source + " not refreshed, keeping " + current.size() + " keys: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            refreshLock.unlock();
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.interrupt();
        }
        if (http != null) {
            http.close();
        }
    }
}
