package io.weft.controlplane;

import io.weft.controlplane.config.ConfigException;
import io.weft.controlplane.config.ConfigWatcher;
import io.weft.controlplane.config.MeshConfigLoader;
import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.xds.ConfigDiff;
import io.weft.controlplane.xds.RolloutStatus;
import io.weft.controlplane.xds.XdsServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Config changes made through the admin API: validate a change against the files in force, show
 * which proxies it would change and how (dry run), and apply it by writing it to the config store
 * (the directory, or Consul KV) and loading it at once. An invalid change is refused with the loader's
 * message and nothing is written. Applies are serialized. Thread-safe.
 */
public final class ConfigChanges {
    private final ConfigWatcher watcher;
    private final MeshPipeline pipeline;
    private final XdsServer xds;
    private final ReentrantLock applying = new ReentrantLock();

    ConfigChanges(ConfigWatcher watcher, MeshPipeline pipeline, XdsServer xds) {
        this.watcher = watcher;
        this.pipeline = pipeline;
        this.xds = xds;
    }

    /**
     * The result of a validation, dry run or apply.
     *
     * @param changes     for a dry run: what would change for each connected proxy
     * @param meshVersion the mesh version in force afterwards
     * @param proxies     for an apply: how many proxies the change was pushed to (follow it in the rollouts)
     */
    public record Result(boolean valid, Optional<String> error, List<ConfigDiff> changes, long meshVersion, int proxies) {
        static Result refused(String error, long meshVersion) {
            return new Result(false, Optional.of(error), List.of(), meshVersion, 0);
        }
    }

    /** The files in force, name → YAML. */
    public SortedMap<String, String> files() {
        return watcher.files();
    }

    public Optional<String> lastStoreError() {
        return watcher.lastError();
    }

    public String store() {
        return watcher.store().describe();
    }

    /**
     * Validates the files in force with {@code changes} applied (empty value: delete) and, if valid,
     * what they would change for each connected proxy.
     */
    public Result dryRun(Map<String, Optional<String>> changes) {
        MeshConfig candidate;
        try {
            candidate = MeshConfigLoader.parse(merged(changes));
        } catch (ConfigException e) {
            return Result.refused(e.getMessage(), xds.state().version());
        }
        return new Result(true, Optional.empty(), xds.diff(pipeline.candidate(candidate)), xds.state().version(), 0);
    }

    /**
     * Validates, writes to the store, and makes the change current, pushing it before returning;
     * {@code author} shows in the rollout. (No per-proxy diff here: use {@link #dryRun} for that; an
     * apply must not cost a second translation for every proxy.)
     */
    public Result apply(Map<String, Optional<String>> changes, String author) {
        applying.lock();
        try {
            long before = xds.state().version();
            MeshConfigLoader.parse(merged(changes));
            Optional<String> err = watcher.writeAndReload(changes,
                    "config: " + String.join(", ", changes.keySet()) + " by " + author);
            if (err.isPresent()) {
                return Result.refused(err.get(), xds.state().version());
            }
            pipeline.rebuildNow();
            long now = xds.state().version();
            int proxies = now == before ? 0 : xds.rollouts().stream().filter(r -> r.meshVersion() == now)
                    .mapToInt(RolloutStatus::proxies).findFirst().orElse(0);
            return new Result(true, Optional.empty(), List.of(), now, proxies);
        } catch (ConfigException e) {
            return Result.refused(e.getMessage(), xds.state().version());
        } finally {
            applying.unlock();
        }
    }

    private SortedMap<String, String> merged(Map<String, Optional<String>> changes) {
        SortedMap<String, String> files = new TreeMap<>(watcher.files());
        changes.forEach((name, text) -> {
            if (text.isPresent()) {
                files.put(name, text.get());
            } else {
                files.remove(name);
            }
        });
        return files;
    }
}
