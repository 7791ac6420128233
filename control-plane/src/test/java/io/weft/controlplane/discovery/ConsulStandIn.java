package io.weft.controlplane.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP stand-in for the parts of Consul's HTTP API that Weft uses (no Consul server can run on the
 * build machines): {@code GET /v1/health/service/<name>} with {@code passing}, {@code GET /v1/catalog/services},
 * and KV ({@code GET /v1/kv/<prefix>?recurse}, {@code PUT} and {@code DELETE /v1/kv/<key>}), each
 * answering with {@code X-Consul-Index} and honouring blocking queries ({@code ?index=N&wait=Ds}: the
 * answer waits until the index passes N or the wait ends), as Consul documents them. One index for the
 * whole store, which Consul's contract allows (an index may move without the result changing).
 * It can be stopped and started again on the same port to play an unreachable Consul.
 */
public final class ConsulStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One registered instance. */
    public record Instance(String id, String service, String address, int port, Map<String, String> meta, boolean passing) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final TreeMap<String, byte[]> kv = new TreeMap<>();
    private final Map<String, Long> kvModify = new LinkedHashMap<>();
    /** Every request's path and query, in order, for tests that check how the API was used. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private long index = 1;
    private int port;
    private HttpServer server;

    public ConsulStandIn() throws IOException {
        start(0);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Stops answering (connections are refused) until {@link #restart()}. */
    public void stop() {
        server.stop(0);
    }

    public void restart() throws IOException {
        start(port);
    }

    public void register(Instance i) {
        mutate(() -> instances.put(i.id(), i));
    }

    public void deregister(String id) {
        mutate(() -> instances.remove(id));
    }

    public void putKv(String key, String value) {
        mutate(() -> {
            kv.put(key, value.getBytes(StandardCharsets.UTF_8));
            kvModify.put(key, index + 1);
        });
    }

    public String getKv(String key) {
        lock.lock();
        try {
            byte[] v = kv.get(key);
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    private void mutate(Runnable r) {
        lock.lock();
        try {
            r.run();
            index++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            requests.add(ex.getRequestMethod() + " " + path + (q.isEmpty() ? "" : "?" + ex.getRequestURI().getRawQuery()));
            String method = ex.getRequestMethod();
            if (path.startsWith("/v1/kv/") && method.equals("PUT")) {
                String key = decode(path.substring("/v1/kv/".length()));
                putKv(key, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                send(ex, 200, "true", index());
            } else if (path.startsWith("/v1/kv/") && method.equals("DELETE")) {
                String key = decode(path.substring("/v1/kv/".length()));
                mutate(() -> {
                    kv.remove(key);
                    kvModify.remove(key);
                });
                send(ex, 200, "true", index());
            } else if (path.startsWith("/v1/kv/") && method.equals("GET")) {
                long at = block(q);
                String prefix = decode(path.substring("/v1/kv/".length()));
                List<Map<String, Object>> out = new ArrayList<>();
                lock.lock();
                try {
                    kv.tailMap(prefix).forEach((k, v) -> {
                        if (k.startsWith(prefix) && (q.containsKey("recurse") || k.equals(prefix))) {
                            Map<String, Object> e = new LinkedHashMap<>();
                            e.put("LockIndex", 0);
                            e.put("Key", k);
                            e.put("Flags", 0);
                            e.put("Value", Base64.getEncoder().encodeToString(v));
                            e.put("CreateIndex", kvModify.get(k));
                            e.put("ModifyIndex", kvModify.get(k));
                            out.add(e);
                        }
                    });
                } finally {
                    lock.unlock();
                }
                send(ex, out.isEmpty() ? 404 : 200, out.isEmpty() ? "" : JSON.writeValueAsString(out), at);
            } else if (path.startsWith("/v1/health/service/")) {
                long at = block(q);
                String service = decode(path.substring("/v1/health/service/".length()));
                boolean passingOnly = q.containsKey("passing") && !"false".equals(q.get("passing"));
                List<Map<String, Object>> out = new ArrayList<>();
                lock.lock();
                try {
                    for (Instance i : instances.values()) {
                        if (i.service().equals(service) && (i.passing() || !passingOnly)) {
                            out.add(health(i));
                        }
                    }
                } finally {
                    lock.unlock();
                }
                send(ex, 200, JSON.writeValueAsString(out), at);
            } else if (path.equals("/v1/catalog/services")) {
                long at = block(q);
                Map<String, List<String>> out = new TreeMap<>();
                lock.lock();
                try {
                    instances.values().forEach(i -> out.put(i.service(), List.of()));
                } finally {
                    lock.unlock();
                }
                send(ex, 200, JSON.writeValueAsString(out), at);
            } else {
                send(ex, 404, "no such endpoint in the stand-in: " + path, index());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> health(Instance i) {
        Map<String, Object> node = Map.of("ID", "node-" + i.id(), "Node", "node-" + i.id(), "Address", i.address(),
                "Datacenter", "dc1", "TaggedAddresses", Map.of("lan", i.address(), "lan_ipv4", i.address(),
                        "wan", i.address(), "wan_ipv4", i.address()), "Meta", Map.of());
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("ID", i.id());
        svc.put("Service", i.service());
        svc.put("Tags", List.of());
        svc.put("Address", i.address());
        svc.put("Meta", i.meta());
        svc.put("Port", i.port());
        svc.put("Weights", Map.of("Passing", 1, "Warning", 1));
        svc.put("EnableTagOverride", false);
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("Node", "node-" + i.id());
        check.put("CheckID", "service:" + i.id());
        check.put("Name", "Service '" + i.service() + "' check");
        check.put("Status", i.passing() ? "passing" : "critical");
        check.put("Notes", "");
        check.put("Output", "");
        check.put("ServiceID", i.id());
        check.put("ServiceName", i.service());
        check.put("ServiceTags", List.of());
        return Map.of("Node", node, "Service", svc, "Checks", List.of(check));
    }

    /** Waits while the store's index is at most the query's {@code index}, for up to {@code wait}. */
    private long block(Map<String, String> q) throws InterruptedException {
        long want = q.containsKey("index") ? Long.parseLong(q.get("index")) : 0;
        Duration wait = q.containsKey("wait") ? parseWait(q.get("wait")) : Duration.ofMinutes(5);
        lock.lock();
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            while (want > 0 && index <= want) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            return index;
        } finally {
            lock.unlock();
        }
    }

    private long index() {
        lock.lock();
        try {
            return index;
        } finally {
            lock.unlock();
        }
    }

    private static Duration parseWait(String s) {
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(s));
    }

    private static void send(HttpExchange ex, int status, String body, long index) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
        ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
        ex.getResponseHeaders().set("X-Consul-Lastcontact", "0");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            out.put(decode(eq < 0 ? part : part.substring(0, eq)), eq < 0 ? "" : decode(part.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

}
