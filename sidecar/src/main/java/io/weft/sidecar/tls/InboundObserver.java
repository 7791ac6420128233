package io.weft.sidecar.tls;

/**
 * Hears what an inbound listener sees per connection, before any HTTP: a plaintext caller
 * accepted (PERMISSIVE), or a connection refused by the mTLS mode. Implementations must be
 * thread-safe and must not block. Every method defaults to doing nothing.
 */
public interface InboundObserver {
    default void plaintextAccepted(String remoteAddress) {
    }

    default void refused(String remoteAddress, String reason) {
    }
}
