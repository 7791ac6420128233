package io.weft.controlplane.config;

import io.weft.controlplane.model.MeshConfig;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the mesh YAML directory (or file) and reloads it on every change. A change that does not
 * validate is refused: the previous config stays in force and {@link #lastError()} says why.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ConfigWatcher.class.getName());

    private final Path path;
    private final Consumer<MeshConfig> onConfig;
    private final WatchService watch;
    private final Thread thread;
    private volatile Optional<String> lastError = Optional.empty();

    private ConfigWatcher(Path path, Consumer<MeshConfig> onConfig) throws IOException {
        this.path = path;
        this.onConfig = onConfig;
        this.watch = FileSystems.getDefault().newWatchService();
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("weft-config-watch").unstarted(this::run);
    }

    /**
     * Loads the config once (throwing {@link ConfigException} if the first load is invalid: a control
     * plane must not start on a broken config), then watches for changes.
     */
    public static ConfigWatcher start(Path path, Consumer<MeshConfig> onConfig) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(onConfig, "onConfig");
        onConfig.accept(MeshConfigLoader.load(path));
        ConfigWatcher w = new ConfigWatcher(path, onConfig);
        w.thread.start();
        return w;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    /** Reloads now; returns the error if the config on disk is invalid. */
    public Optional<String> reload() {
        try {
            onConfig.accept(MeshConfigLoader.load(path));
            lastError = Optional.empty();
        } catch (ConfigException e) {
            lastError = Optional.of(e.getMessage());
            LOG.log(Level.WARNING, "mesh config refused, previous config stays in force: " + e.getMessage());
        }
        return lastError;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watch.take();
                // Editors write in several steps; let them finish before reading.
                WatchKey more;
                do {
                    key.pollEvents();
                    key.reset();
                    more = watch.poll(50, TimeUnit.MILLISECONDS);
                    if (more != null) {
                        key = more;
                    }
                } while (more != null);
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
