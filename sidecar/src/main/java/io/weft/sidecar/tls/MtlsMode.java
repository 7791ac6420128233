package io.weft.sidecar.tls;

/**
 * What an inbound listener accepts. {@code STRICT}: only mTLS. {@code PERMISSIVE}: mTLS or plaintext
 * on the same port, told apart by the connection's first byte. {@code DISABLE}: plaintext only.
 */
public enum MtlsMode {
    STRICT, PERMISSIVE, DISABLE;

    public boolean acceptsTls() {
        return this != DISABLE;
    }

    public boolean acceptsPlaintext() {
        return this != STRICT;
    }
}
