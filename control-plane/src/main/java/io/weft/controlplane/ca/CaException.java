package io.weft.controlplane.ca;

/** A signing request the CA refuses; the message names the field, the value and the expectation. */
public final class CaException extends RuntimeException {
    /** Why: the request is malformed, or the caller may not have what it asks for. */
    public enum Reason { INVALID, DENIED, UNAUTHENTICATED }

    private final Reason reason;

    public CaException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
