package io.weft.sidecar.xds;

/** Hooks for metrics and logs. Called on the xDS client's thread; must not block. No-op by default. */
public interface XdsUpdateListener {
    default void accepted(String typeUrl, String version) {
    }

    default void rejected(String typeUrl, String version, String error) {
    }

    default void connected() {
    }

    default void disconnected(Throwable cause) {
    }
}
