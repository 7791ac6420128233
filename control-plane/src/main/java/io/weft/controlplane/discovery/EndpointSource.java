package io.weft.controlplane.discovery;

import io.weft.controlplane.model.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * Where endpoints come from: sidecars registering themselves, or a service catalog such as Consul.
 * Implementations must be thread-safe; {@link #endpoints()} returns an immutable snapshot.
 */
public interface EndpointSource extends AutoCloseable {
    /** The endpoints known now, by service name. */
    Map<String, List<Endpoint>> endpoints();

    /** Registers a callback run (on any thread) whenever the endpoints may have changed. */
    void onChange(Runnable callback);

    @Override
    default void close() {
    }
}
