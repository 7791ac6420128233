package io.weft.sidecar.xds;

/** An xDS resource Weft cannot accept; its message becomes the NACK's error detail. */
public final class InvalidResourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidResourceException(String message) {
        super(message);
    }
}
