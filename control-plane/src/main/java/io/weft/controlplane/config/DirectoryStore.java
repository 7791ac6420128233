package io.weft.controlplane.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mesh YAML as {@code *.yaml} / {@code *.yml} files of a directory (or one file). Writes replace
 * files atomically (write aside, then rename), so a watcher never reads half a file.
 */
public final class DirectoryStore implements ConfigStore {
    private final Path path;
    private final Path dir;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private WatchService watch;
    private Thread thread;

    public DirectoryStore(Path path) {
        this.path = path.toAbsolutePath();
        this.dir = Files.isDirectory(this.path) ? this.path : this.path.getParent();
    }

    @Override
    public SortedMap<String, String> read() {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> isYaml(p.getFileName().toString())).filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new ConfigException(path + ": cannot list directory (" + e.getMessage() + ")");
            }
        } else {
            files = List.of(path);
        }
        SortedMap<String, String> texts = new TreeMap<>();
        for (Path f : files) {
            try {
                texts.put(f.getFileName().toString(), Files.readString(f));
            } catch (IOException e) {
                throw new ConfigException(f + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return texts;
    }

    static boolean isYaml(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.ya?ml");
    }

    @Override
    public void write(Map<String, Optional<String>> changes) {
        for (var e : changes.entrySet()) {
            String name = e.getKey();
            if (!isYaml(name)) {
                throw new ConfigException(name + ": file name (expected: letters, digits, '.', '_' or '-', ending in .yaml)");
            }
            if (!Files.isDirectory(path) && !path.getFileName().toString().equals(name)) {
                throw new ConfigException(name + ": the mesh config is the single file " + path
                        + " (expected: " + path.getFileName() + ")");
            }
            Path target = dir.resolve(name);
            try {
                if (e.getValue().isEmpty()) {
                    Files.deleteIfExists(target);
                    continue;
                }
                Path tmp = dir.resolve("." + name + ".tmp");
                Files.writeString(tmp, e.getValue().get());
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException x) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException x) {
                throw new ConfigException(target + ": cannot write (" + x.getMessage() + ")");
            }
        }
    }

    @Override
    public void watch(Runnable onChange) {
        lock.lock();
        try {
            startWatch(onChange);
        } finally {
            lock.unlock();
        }
    }

    private void startWatch(Runnable onChange) {
        try {
            watch = FileSystems.getDefault().newWatchService();
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot watch (" + e.getMessage() + ")");
        }
        WatchService ws = watch;
        thread = Thread.ofPlatform().daemon().name("weft-config-watch").start(() -> {
            try {
                while (true) {
                    WatchKey key = ws.take();
                    // Editors write in several steps; let them finish before reading.
                    WatchKey more;
                    do {
                        key.pollEvents();
                        key.reset();
                        more = ws.poll(50, TimeUnit.MILLISECONDS);
                        if (more != null) {
                            key = more;
                        }
                    } while (more != null);
                    onChange.run();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closing
            }
        });
    }

    @Override
    public String describe() {
        return "dir:" + path;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (watch != null) {
                watch.close();
            }
            if (thread != null) {
                thread.interrupt();
            }
        } catch (IOException e) {
            // closing anyway
        } finally {
            lock.unlock();
        }
    }
}
