package io.weft.controlplane.model;

/** Whether a workload's inbound listener requires, accepts or refuses mutual TLS. */
public enum MtlsMode {
    /** Only mTLS connections are accepted. */
    STRICT,
    /** mTLS and plaintext on the same port, detected per connection (for migrations). */
    PERMISSIVE,
    /** Plaintext only. */
    DISABLE
}
