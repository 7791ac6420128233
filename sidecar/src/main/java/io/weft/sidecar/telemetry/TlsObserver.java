package io.weft.sidecar.telemetry;

import java.time.Instant;

/**
 * What the TLS layer reports for metrics. Thread-safe, non-blocking; every method defaults to
 * doing nothing.
 */
public interface TlsObserver {
    /**
     * A handshake finished.
     *
     * @param direction "inbound" (this proxy was the server) or "outbound"
     * @param ok        whether it succeeded
     */
    default void handshake(String direction, boolean ok) {
    }

    /** The proxy now serves a certificate valid until {@code notAfter}. */
    default void certificate(Instant notAfter) {
    }
}
