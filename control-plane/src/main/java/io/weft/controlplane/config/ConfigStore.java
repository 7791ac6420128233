package io.weft.controlplane.config;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Where the mesh YAML lives: a directory on disk (the default) or Consul KV (so that several
 * control-plane replicas share one config). Files are named; the loader merges them in name order.
 * Implementations must be thread-safe.
 */
public interface ConfigStore extends AutoCloseable {
    /**
     * The stored files, file name → YAML text, in name order.
     *
     * @throws ConfigException when the store cannot be read, naming it and why
     */
    SortedMap<String, String> read();

    /**
     * Writes files: a present value replaces or creates the file, an empty one deletes it.
     *
     * @throws ConfigException when the store refuses the write, naming it and why
     */
    void write(Map<String, Optional<String>> changes);

    /** Calls {@code onChange} (on any thread) whenever the files may have changed, until closed. */
    void watch(Runnable onChange);

    /** Where it is, for logs and status: {@code dir:/etc/weft/mesh} or {@code consul-kv:weft/mesh}. */
    String describe();

    @Override
    default void close() {
    }
}
