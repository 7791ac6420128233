package io.weft.examples.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.helidon.webserver.WebServer;
import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.examples.users.UsersApp;
import io.weft.sidecar.Sidecar;
import io.weft.sidecar.bootstrap.Bootstrap;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The edge benchmark (run by bench/edge.sh). One backend (the users app, {@code GET /users/1}) on
 * loopback, measured through three front doors in the same run: the edge with JWT verification
 * (ES256) + a rate limit (a limit never reached) + one response header transformation; the same
 * edge on a route with no policy; and nginx proxying to the same backend with keep-alive. The edge
 * reaches the app directly (static endpoint), as nginx does. Phases rotate through the rounds so
 * each runs in each position; medians and ratios are printed.
 *
 * <p>Arguments: seconds per phase, wrk connections, wrk threads, rounds, nginx worker processes.
 */
public final class EdgeBench {
    private EdgeBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int nginxWorkers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        Path dir = Files.createTempDirectory("weft-edge-bench");
        WebServer app = UsersApp.start(0, "v1");
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
        Files.writeString(dir.resolve("mesh.yaml"), mesh(app.port(), new JWKSet(key.toPublicJWK()).toString()));
        Process nginx = nginx(dir, app.port(), nginxWorkers);
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0))) {
            Sidecar edge = Sidecar.start(new Bootstrap(Bootstrap.Mode.EDGE, "edge-1", "edge", "default",
                    "127.0.0.1:" + cp.xdsPort(), "127.0.0.1", 0, 0, 0, 0, 0, Map.of()));
            try {
                String token = "Authorization: Bearer " + token(key);
                String base = "http://127.0.0.1:" + edge.edgePort();
                waitFor(base + "/full/1", token, "x-edge");
                waitFor(base + "/bare/1", null, null);
                waitFor("http://127.0.0.1:" + nginxPort(dir) + "/users/1", null, null);
                record Phase(String name, String url, String[] headers) {
                }
                List<Phase> phases = new ArrayList<>(List.of(
                        new Phase("edge+jwt+rl+transform", base + "/full/1", new String[] {token}),
                        new Phase("edge bare route", base + "/bare/1", new String[0]),
                        new Phase("nginx", "http://127.0.0.1:" + nginxPort(dir) + "/users/1", new String[0])));
                System.out.printf(Locale.ROOT, "weft edge bench: GET /users/1 (users app on loopback); wrk -t%d -c%d, %ds per"
                        + " phase, %d rounds; nginx %d worker(s); %d cores%n", threads, connections, seconds, rounds,
                        nginxWorkers, Runtime.getRuntime().availableProcessors());
                System.out.println("warm-up: every phase once, not counted ...");
                for (Phase p : phases) {
                    Wrk.run(p.url(), threads, connections, Math.max(5, seconds), p.headers());
                }
                Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
                for (int round = 1; round <= rounds; round++) {
                    Collections.rotate(phases, 1);
                    for (Phase p : phases) {
                        Wrk.Result r = Wrk.run(p.url(), threads, connections, seconds, p.headers());
                        results.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(r);
                        System.out.printf(Locale.ROOT, "round %d  %-22s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n", round, p.name(),
                                r.rps(), r.p50Millis(), r.p99Millis());
                    }
                }
                System.out.println();
                Map<String, Double> rps = new LinkedHashMap<>();
                for (var e : results.entrySet()) {
                    double m = Wrk.median(e.getValue().stream().map(Wrk.Result::rps).toList());
                    rps.put(e.getKey(), m);
                    System.out.printf(Locale.ROOT, "median %-22s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n", e.getKey(), m,
                            Wrk.median(e.getValue().stream().map(Wrk.Result::p50Millis).toList()),
                            Wrk.median(e.getValue().stream().map(Wrk.Result::p99Millis).toList()));
                }
                double full = rps.get("edge+jwt+rl+transform");
                double bare = rps.get("edge bare route");
                double ng = rps.get("nginx");
                System.out.printf(Locale.ROOT, "ratio edge+jwt+rl+transform / edge bare route: %.2f%n", full / bare);
                System.out.printf(Locale.ROOT, "ratio edge+jwt+rl+transform / nginx:           %.2f%n", full / ng);
                System.out.printf(Locale.ROOT, "ratio edge bare route / nginx:                 %.2f%n", bare / ng);
            } finally {
                edge.close();
            }
        } finally {
            nginx.destroy();
            nginx.waitFor();
            app.stop();
        }
    }

    private static String mesh(int appPort, String jwks) {
        return """
                services:
                  users: {endpoints: ["127.0.0.1:%d"]}
                edge:
                  jwtProviders:
                    - {name: bench, issuer: https://id.bench.test, audiences: [bench], jwks: '%s'}
                  rateLimits:
                    high: {key: client, requests: 1000000000, per: 1s}
                  virtualHosts:
                    - name: public
                      domains: ["*"]
                      routes:
                        - name: full
                          match: {prefix: /full/}
                          to: users
                          prefixRewrite: /users/
                          auth: authenticated
                          rateLimit: high
                          transform:
                            responseHeaders: {set: {x-edge: weft}}
                        - name: bare
                          match: {prefix: /bare/}
                          to: users
                          prefixRewrite: /users/
                """.formatted(appPort, jwks.replace("'", "''"));
    }

    private static String token(ECKey key) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://id.bench.test").audience("bench").subject("bench-user")
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("bench").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static int nginxPort(Path dir) throws Exception {
        return Integer.parseInt(Files.readString(dir.resolve("nginx.port")).trim());
    }

    /** nginx in the foreground with its own prefix (no root needed), proxying to the app with upstream keep-alive. */
    private static Process nginx(Path dir, int appPort, int workers) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.port"), Integer.toString(port));
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes %d;
                error_log %s/logs/error.log warn;
                pid %s/nginx.pid;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %s/tmp-body;
                    proxy_temp_path %s/tmp-proxy;
                    upstream app { server 127.0.0.1:%d; keepalive 64; }
                    server {
                        listen 127.0.0.1:%d;
                        location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    }
                }
                """.formatted(workers, dir, dir, dir, dir, appPort, port));
        Process p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        Instant end = Instant.now().plusSeconds(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException e) {
                if (Instant.now().isAfter(end) || !p.isAlive()) {
                    throw new IllegalStateException("nginx did not listen on " + port + ": "
                            + Files.readString(dir.resolve("logs/nginx.out")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Waits until {@code url} answers 200 (with the header, if given), and with {@code expectHeader} when given. */
    private static void waitFor(String url, String header, String expectHeader) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plusSeconds(30);
        String last = "";
        while (Instant.now().isBefore(end)) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
            if (header != null) {
                int colon = header.indexOf(':');
                b.header(header.substring(0, colon), header.substring(colon + 1).trim());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && (expectHeader == null || r.headers().firstValue(expectHeader).isPresent())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer 200 within 30s: " + last);
    }
}
