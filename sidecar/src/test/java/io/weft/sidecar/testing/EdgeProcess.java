package io.weft.sidecar.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real edge in its own JVM ({@code io.weft.sidecar.Main edge}, this test's classpath), on ports it
 * picks itself and reports on stdout; its output goes to a log file. {@link #kill()} is SIGKILL: no
 * drain, connections cut as a crashed host would cut them.
 */
public final class EdgeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening: edge=(\\d+) admin=http://127\\.0\\.0\\.1:(\\d+)/ready");

    private final Process process;
    private final int port;
    private final int adminPort;

    private EdgeProcess(Process process, int port, int adminPort) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /** Starts an edge that gets its config from {@code controlPlane} and waits until it reports its ports. */
    public static EdgeProcess start(String nodeId, String controlPlane, Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.weft.sidecar.Main", "edge", "--service", "edge", "--node", nodeId, "--control-plane", controlPlane,
                "--edge-port", "0", "--admin-port", "0"))
                .redirectError(log.toFile())
                .start();
        CompletableFuture<Matcher> ports = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ports.complete(m);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ports.completeExceptionally(new IllegalStateException("edge " + nodeId + " exited before listening; see " + log));
        });
        try {
            Matcher m = ports.get(60, TimeUnit.SECONDS);
            return new EdgeProcess(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("edge " + nodeId + " did not report its ports within 60s; see " + log, e);
        }
    }

    public int port() {
        return port;
    }

    public int adminPort() {
        return adminPort;
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until a GET to {@code path} on the edge port answers 200. */
    public EdgeProcess awaitServing(String path) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                if (RawHttp.get(port, "edge.test", path).status() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not yet
            }
            if (Instant.now().isAfter(end) || !process.isAlive()) {
                throw new IllegalStateException("edge on " + port + " did not serve " + path + " within 30s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
