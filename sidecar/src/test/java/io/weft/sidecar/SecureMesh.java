package io.weft.sidecar;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.ca.CaOptions;
import io.weft.sidecar.testing.LocalProxies;
import io.weft.testing.Closer;
import io.weft.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A mesh with its CA, in one JVM on loopback: the real control plane (CA, TLS port, mTLS ADS) and one
 * real sidecar per service, each in front of an echo app that answers with what it received.
 */
final class SecureMesh implements AutoCloseable {
    final Path meshDir;
    final ControlPlane controlPlane;
    final Map<String, Sidecar> sidecars = new LinkedHashMap<>();
    private final Closer closer = new Closer();

    SecureMesh(Path dir, String yaml, String... services) throws Exception {
        this.meshDir = Files.createDirectories(dir.resolve("mesh"));
        Files.writeString(meshDir.resolve("mesh.yaml"), yaml);
        controlPlane = closer.register(ControlPlane.start(ControlPlaneOptions.defaults(meshDir).withPorts(0, 0),
                java.util.Optional.of(CaOptions.inMemory())));
        for (String svc : services) {
            WebServer app = WebServer.builder().host("127.0.0.1").port(0)
                    .routing(r -> r.any((req, res) -> res.send("app=" + svc + " method=" + req.prologue().method().text()
                            + " path=" + req.path().path() + " xfcc=" + req.headers().first(HeaderNames.create("x-forwarded-client-cert"))
                            .orElse("-"))))
                    .build().start();
            closer.register(app::stop);
            sidecars.put(svc, join(svc, app.port()));
        }
        if (yaml.contains("edge:")) {
            sidecars.put("edge", closer.register(Sidecar.start(LocalProxies.edge("127.0.0.1:" + controlPlane.xdsPort()),
                    LocalProxies.security(controlPlane, "edge"))));
        }
        LocalProxies.awaitReady(sidecars.values(), Duration.ofSeconds(20));
    }

    /** Starts a sidecar for {@code svc} in front of the app on {@code appPort}, joining with a fresh token. */
    private Sidecar join(String svc, int appPort) {
        return closer.register(Sidecar.start(LocalProxies.sidecar(svc, "127.0.0.1:" + controlPlane.xdsPort(), appPort),
                LocalProxies.security(controlPlane, svc)));
    }

    Sidecar sidecar(String service) {
        return sidecars.get(service);
    }

    /** An app's call through its own sidecar's outbound port: "status flags body". */
    String call(String from, String method, String host, String path, String... headers) throws IOException {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            extra.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return raw(sidecar(from).outboundPort(), method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra
                + "Connection: close\r\n\r\n");
    }

    /** Sends raw bytes to a port on loopback and reads one response: "status flags body", or "closed". */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            try {
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return head.isEmpty() ? "closed" : "truncated " + head;
                    }
                    head.append((char) b);
                }
            } catch (java.net.SocketException e) {
                return head.isEmpty() ? "closed" : "reset " + head;
            }
            String flags = "-";
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                String lower = line.toLowerCase();
                if (lower.startsWith("x-weft-response-flags:")) {
                    flags = line.substring(line.indexOf(':') + 1).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return head.toString().split(" ")[1] + " " + flags + " " + body.strip();
        }
    }

    /** Polls until the predicate holds or 15 s pass; returns the last value. */
    static <T> T await(Poll.Check<T, ?> call, Predicate<T> done) throws Exception {
        return Poll.until(Duration.ofSeconds(15), call, done);
    }

    @Override
    public void close() {
        closer.close();
    }
}
