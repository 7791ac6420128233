package io.weft.controlplane.config;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.option.QueryOptions;

/**
 * The mesh YAML in Consul KV, one key per file under a prefix ({@code weft/mesh/mesh.yaml}), so that
 * several control-plane replicas share one config. Changes are followed with a blocking query on the
 * prefix ({@code ?recurse&index=<X-Consul-Index>}). When Consul is unreachable, reads fail with a
 * {@link ConfigException} and the config in force stays; the watch retries with backoff.
 */
public final class ConsulKvStore implements ConfigStore {
    private static final Logger LOG = System.getLogger(ConsulKvStore.class.getName());

    private final Consul consul;
    private final String prefix;
    private final Duration blockWait;
    private volatile boolean closed;
    private Thread thread;

    /** @param prefix the KV folder, without a trailing slash ({@code weft/mesh}) */
    public ConsulKvStore(Consul consul, String prefix, Duration blockWait) {
        this.consul = Objects.requireNonNull(consul, "consul");
        this.prefix = Objects.requireNonNull(prefix, "prefix").replaceAll("^/+|/+$", "");
        this.blockWait = Objects.requireNonNull(blockWait, "blockWait");
        if (this.prefix.isEmpty()) {
            throw new ConfigException("consul KV prefix: empty (expected: a folder such as weft/mesh)");
        }
    }

    @Override
    public SortedMap<String, String> read() {
        try {
            return files(consul.keyValueClient().getValues(prefix + "/"));
        } catch (ConsulException e) {
            throw new ConfigException(describe() + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private SortedMap<String, String> files(List<Value> values) {
        SortedMap<String, String> out = new TreeMap<>();
        for (Value v : values) {
            String name = v.getKey().substring(prefix.length() + 1);
            if (DirectoryStore.isYaml(name)) {
                out.put(name, v.getValueAsString().orElse(""));
            }
        }
        return out;
    }

    @Override
    public void write(Map<String, Optional<String>> changes) {
        for (var e : changes.entrySet()) {
            if (!DirectoryStore.isYaml(e.getKey())) {
                throw new ConfigException(e.getKey() + ": file name (expected: letters, digits, '.', '_' or '-', ending in .yaml)");
            }
            String key = prefix + "/" + e.getKey();
            try {
                if (e.getValue().isPresent()) {
                    if (!consul.keyValueClient().putValue(key, e.getValue().get())) {
                        throw new ConfigException(describe() + ": Consul refused to write " + key);
                    }
                } else {
                    consul.keyValueClient().deleteKey(key);
                }
            } catch (ConsulException x) {
                throw new ConfigException(describe() + ": cannot write " + key + " (" + x.getMessage() + ")");
            }
        }
    }

    @Override
    public void watch(Runnable onChange) {
        thread = Thread.ofVirtual().name("weft-consul-kv").start(() -> follow(onChange));
    }

    private void follow(Runnable onChange) {
        BigInteger index = BigInteger.ZERO;
        long retryMs = 100;
        while (!closed) {
            try {
                ConsulResponse<List<Value>> resp = consul.keyValueClient().getConsulResponseWithValues(prefix + "/",
                        QueryOptions.blockSeconds((int) Math.max(1, blockWait.toSeconds()), index).build());
                BigInteger next = resp == null || resp.getIndex() == null ? BigInteger.ZERO : resp.getIndex();
                retryMs = 100;
                if (!next.equals(index)) {
                    onChange.run();
                }
                index = next.compareTo(index) < 0 || next.signum() <= 0 ? BigInteger.ZERO : next;
                if (index.signum() == 0) {
                    Thread.sleep(blockWait.toMillis() / 4 + 1); // no index to block on: do not spin
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, describe() + ": watch failed (" + e.getMessage() + "); config in force stays, "
                        + "retrying in " + retryMs + " ms");
                try {
                    Thread.sleep(retryMs);
                } catch (InterruptedException ie) {
                    return;
                }
                retryMs = Math.min(5_000, retryMs * 2);
                index = BigInteger.ZERO;
            }
        }
    }

    @Override
    public String describe() {
        return "consul-kv:" + prefix;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
