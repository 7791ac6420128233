package io.weft.controlplane.discovery;

import com.google.common.net.InetAddresses;
import io.weft.controlplane.model.Endpoint;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.option.QueryOptions;

/**
 * Endpoints from the Consul catalog: for every service of the mesh, a blocking query on
 * {@code /v1/health/service/<name>?passing} (each answer's {@code X-Consul-Index} is the next query's
 * {@code index}), so only instances whose checks pass become endpoints and a change arrives within
 * milliseconds. When Consul is unreachable the last known endpoints stay in force and the watch
 * retries with backoff. Instance labels come from the service's Meta (e.g. {@code version}, {@code zone}).
 * One virtual thread per watched service. Thread-safe.
 */
public final class ConsulCatalog implements EndpointSource {
    private static final Logger LOG = System.getLogger(ConsulCatalog.class.getName());
    private static final Duration RETRY_MIN = Duration.ofMillis(100);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final Consul consul;
    private final Duration blockWait;
    private final Map<String, List<Endpoint>> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Thread> watches = new ConcurrentHashMap<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ConsulCatalog(Consul consul, Duration blockWait) {
        this.consul = Objects.requireNonNull(consul, "consul");
        this.blockWait = Objects.requireNonNull(blockWait, "blockWait");
    }

    /** Watches exactly these services from now on (the mesh config's services); others are dropped. */
    public void watch(Set<String> services) {
        for (String s : services) {
            Thread t = Thread.ofVirtual().name("weft-consul-" + s).unstarted(() -> follow(s));
            if (watches.putIfAbsent(s, t) == null) {
                t.start(); // started only once registered: the loop runs while it is the service's watch
            }
        }
        for (String s : List.copyOf(watches.keySet())) {
            if (!services.contains(s)) {
                Thread t = watches.remove(s);
                if (t != null) {
                    t.interrupt();
                }
                if (endpoints.remove(s) != null) {
                    fire();
                }
            }
        }
    }

    /** Services whose last query failed, with the reason (their last known endpoints stay in force). */
    public Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    private void follow(String service) {
        BigInteger index = BigInteger.ZERO;
        Duration retry = RETRY_MIN;
        while (!closed && watches.get(service) == Thread.currentThread()) {
            try {
                ConsulResponse<List<ServiceHealth>> resp = consul.healthClient().getHealthyServiceInstances(service,
                        QueryOptions.blockSeconds(ConsulClients.waitSeconds(blockWait), index).build());
                errors.remove(service);
                retry = RETRY_MIN;
                BigInteger next = resp.getIndex() == null ? BigInteger.ZERO : resp.getIndex();
                // Consul: an index that goes backwards (or is 0) means start over.
                index = next.compareTo(index) < 0 || next.signum() <= 0 ? BigInteger.ZERO : next;
                List<Endpoint> now = toEndpoints(service, resp.getResponse());
                List<Endpoint> before = endpoints.put(service, now);
                if (!now.equals(before)) {
                    fire();
                }
            } catch (RuntimeException e) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                errors.put(service, String.valueOf(e.getMessage()));
                LOG.log(Level.WARNING, "Consul query for " + service + " failed (" + e.getMessage()
                        + "); keeping its last known endpoints, retrying in " + retry.toMillis() + " ms");
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException ie) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
                index = BigInteger.ZERO;
            }
        }
    }

    private static List<Endpoint> toEndpoints(String service, List<ServiceHealth> instances) {
        List<Endpoint> out = new ArrayList<>();
        for (ServiceHealth h : instances) {
            String address = h.getService().getAddress() == null || h.getService().getAddress().isEmpty()
                    ? h.getNode().getAddress() : h.getService().getAddress();
            if (!InetAddresses.isInetAddress(address)) {
                LOG.log(Level.WARNING, "Consul instance " + h.getService().getId() + " of " + service + ": address \""
                        + address + "\" skipped (expected: an IP literal; xDS clients refuse host names)");
                continue;
            }
            Map<String, String> labels = new HashMap<>(h.getService().getMeta() == null ? Map.of() : h.getService().getMeta());
            out.add(new Endpoint(service, address, h.getService().getPort(), labels, "consul:" + h.getService().getId()));
        }
        out.sort(java.util.Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port));
        return List.copyOf(out);
    }

    @Override
    public Map<String, List<Endpoint>> endpoints() {
        return Map.copyOf(endpoints);
    }

    @Override
    public void onChange(Runnable callback) {
        callbacks.add(callback);
    }

    private void fire() {
        callbacks.forEach(Runnable::run);
    }

    @Override
    public void close() {
        closed = true;
        watches.values().forEach(Thread::interrupt);
        watches.clear();
    }
}
