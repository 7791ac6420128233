package io.weft.sidecar.edge.tls;

import io.helidon.common.tls.Tls;
import io.weft.sidecar.bootstrap.EdgeTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The edge's server TLS: an SSL context whose key manager picks a certificate by SNI, and a virtual
 * thread that checks the PEM files every {@link EdgeTls#reloadInterval()} and, when any changed, loads
 * them all and serves them from the next handshake on (a set that fails to load is reported and the
 * previous one kept). TLS 1.2 and 1.3 only; ALPN (h2, http/1.1) is Helidon's. Thread-safe.
 */
public final class EdgeTlsContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeTlsContext.class.getName());

    private final EdgeTls config;
    private final SniKeyManager keys;
    private final Tls tls;
    private final Thread watcher;
    private volatile List<String> stamp;
    private volatile boolean closed;
    private volatile long reloads;
    private volatile String lastError = "";

    private EdgeTlsContext(EdgeTls config) {
        this.config = config;
        this.stamp = stamp(config);
        this.keys = SniKeyManager.of(load(config));
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {keys}, null, null);
            this.tls = Tls.builder().sslContext(ctx).enabledProtocols(List.of("TLSv1.3", "TLSv1.2")).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS context: " + e.getMessage(), e);
        }
        this.watcher = Thread.ofVirtual().name("weft-edge-tls-reload").start(this::watch);
    }

    /**
     * Loads the certificates and starts watching their files.
     *
     * @throws IllegalArgumentException naming the file when one cannot be read
     */
    public static EdgeTlsContext start(EdgeTls config) {
        return new EdgeTlsContext(Objects.requireNonNull(config, "config"));
    }

    /** For the listener. */
    public Tls tls() {
        return tls;
    }

    /** How many times a changed set of files was loaded and put in service. */
    public long reloads() {
        return reloads;
    }

    /** Why the last reload failed; empty when it did not. */
    public String lastError() {
        return lastError;
    }

    private static List<ServerCertificate> load(EdgeTls config) {
        List<ServerCertificate> out = new ArrayList<>();
        for (EdgeTls.CertificateFiles f : config.certificates()) {
            out.add(ServerCertificate.read(f.cert(), f.key()));
        }
        return out;
    }

    /** What identifies the files' current content cheaply: modification time and size of each. */
    private static List<String> stamp(EdgeTls config) {
        List<String> out = new ArrayList<>();
        for (EdgeTls.CertificateFiles f : config.certificates()) {
            for (Path p : List.of(f.cert(), f.key())) {
                try {
                    out.add(Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p));
                } catch (IOException e) {
                    out.add("missing");
                }
            }
        }
        return out;
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(config.reloadInterval());
            } catch (InterruptedException e) {
                return;
            }
            List<String> now = stamp(config);
            if (now.equals(stamp)) {
                continue;
            }
            try {
                keys.use(load(config));
                stamp = now;
                reloads++;
                lastError = "";
                LOG.log(System.Logger.Level.INFO, "edge TLS: certificates reloaded");
            } catch (IllegalArgumentException e) {
                // half-written files: try again next round; the previous certificates stay in service
                if (!e.getMessage().equals(lastError)) {
                    LOG.log(System.Logger.Level.WARNING, "edge TLS: keeping the previous certificates: " + e.getMessage());
                }
                lastError = e.getMessage();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}
