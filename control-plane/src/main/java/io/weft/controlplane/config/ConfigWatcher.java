package io.weft.controlplane.config;

import io.weft.controlplane.model.MeshConfig;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * Follows a {@link ConfigStore} and reloads on every change. A change that does not validate is
 * refused: the previous config stays in force and {@link #lastError()} says why.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ConfigWatcher.class.getName());

    private final ConfigStore store;
    private final BiConsumer<MeshConfig, String> onConfig;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Optional<String> lastError = Optional.empty();
    private volatile SortedMap<String, String> files;

    private ConfigWatcher(ConfigStore store, BiConsumer<MeshConfig, String> onConfig) {
        this.store = store;
        this.onConfig = onConfig;
    }

    /**
     * Loads the config once (throwing {@link ConfigException} if the first load is invalid: a control
     * plane must not start on a broken config), then follows the store.
     */
    public static ConfigWatcher start(ConfigStore store, BiConsumer<MeshConfig, String> onConfig) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onConfig, "onConfig");
        ConfigWatcher w = new ConfigWatcher(store, onConfig);
        SortedMap<String, String> first = store.read();
        onConfig.accept(MeshConfigLoader.parse(first), "config: " + store.describe());
        w.files = first;
        store.watch(() -> w.reload("config: " + store.describe()));
        return w;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    /** The files of the config in force (the last valid ones read). */
    public SortedMap<String, String> files() {
        return files;
    }

    public ConfigStore store() {
        return store;
    }

    /** Reloads now; returns the error if the stored config is invalid (the previous one stays in force). */
    public Optional<String> reload() {
        return reload("config: " + store.describe());
    }

    /**
     * Reloads now, telling the consumer {@code cause} (shown in the rollout status); returns the error
     * if the stored config is invalid.
     */
    public Optional<String> reload(String cause) {
        lock.lock();
        try {
            SortedMap<String, String> read = store.read();
            if (read.equals(files) && lastError.isEmpty()) {
                return lastError;
            }
            MeshConfig config = MeshConfigLoader.parse(read);
            onConfig.accept(config, cause);
            files = read;
            lastError = Optional.empty();
        } catch (ConfigException e) {
            lastError = Optional.of(e.getMessage());
            LOG.log(Level.WARNING, "mesh config refused, previous config stays in force: " + e.getMessage());
        } finally {
            lock.unlock();
        }
        return lastError;
    }

    /**
     * Writes {@code changes} to the store and loads them, under the reload lock, so that the store's
     * own change notification cannot load them first under another cause.
     *
     * @throws ConfigException when the store refuses the write
     */
    public Optional<String> writeAndReload(java.util.Map<String, Optional<String>> changes, String cause) {
        lock.lock();
        try {
            store.write(changes);
            return reload(cause);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
