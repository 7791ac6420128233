package io.weft.sidecar;

import io.weft.sidecar.bootstrap.Bootstrap;
import io.weft.sidecar.bootstrap.BootstrapLoader;
import io.weft.sidecar.bootstrap.SecurityFlags;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * {@code weft-sidecar sidecar|edge [flags]} runs a proxy; {@code weft-sidecar wait-ready [--admin-port N]
 * [--timeout 30s]} waits until the local proxy is ready (for an app's entrypoint script).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("""
                    usage: weft-sidecar sidecar --service NAME --app-port N [--node ID] [--namespace NS]
                                        [--control-plane HOST:PORT] [--address IP] [--inbound-port N]
                                        [--outbound-port N] [--admin-port N] [--labels k=v,...] [--config FILE]
                                        [--drain-time 15s] [--outbound-grace 10s]
                                        [--ca-address HOST:PORT --trust-bundle FILE --join-token T|--join-token-file F
                                         [--trust-domain weft.local] [--cert-ttl 24h]]
                           weft-sidecar edge --service NAME [--edge-port N] [--control-plane HOST:PORT] ...
                                        [--tls cert.pem:key.pem[,cert2.pem:key2.pem]] [--http-port N]
                                        [--hsts-max-age 365d] [--tls-reload 5s]
                           weft-sidecar wait-ready [--admin-port 15020] [--timeout 60]""");
            return;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "sidecar" -> run(Bootstrap.Mode.SIDECAR, rest);
            case "edge" -> run(Bootstrap.Mode.EDGE, rest);
            case "wait-ready" -> System.exit(waitReady(rest));
            default -> {
                System.err.println("weft-sidecar: " + args[0] + ": unknown command (expected: sidecar, edge or wait-ready)");
                System.exit(2);
            }
        }
    }

    private static void run(Bootstrap.Mode mode, List<String> args) {
        Bootstrap b;
        SecurityFlags.Parsed sec;
        try {
            sec = SecurityFlags.extract(args);
            b = BootstrapLoader.load(mode, sec.rest());
        } catch (IllegalArgumentException e) {
            System.err.println("weft-sidecar: " + e.getMessage());
            System.exit(2);
            return;
        }
        Sidecar s;
        try {
            s = sec.security().isPresent() ? Sidecar.start(b, sec.security().get()) : Sidecar.start(b);
        } catch (IllegalStateException e) {
            System.err.println("weft-sidecar: cannot join the mesh: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(s::shutdown, "weft-shutdown")); // SIGTERM: drain, then stop
        String ports = mode == Bootstrap.Mode.SIDECAR
                ? "inbound=" + s.inboundPort() + " outbound=127.0.0.1:" + s.outboundPort()
                : "edge=" + s.edgePort();
        System.out.println("weft " + mode.name().toLowerCase() + " " + b.nodeId() + " listening: " + ports
                + " admin=http://127.0.0.1:" + s.adminPort() + "/ready");
    }

    /** Exit 0 once {@code /ready} answers 200, 1 on timeout. */
    private static int waitReady(List<String> args) throws InterruptedException {
        int port = 15020;
        long timeoutSeconds = 60;
        for (int i = 0; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--admin-port" -> port = Integer.parseInt(args.get(i + 1));
                case "--timeout" -> timeoutSeconds = Long.parseLong(args.get(i + 1).replaceAll("s$", ""));
                default -> {
                    System.err.println("weft-sidecar wait-ready: " + args.get(i) + ": unknown flag (expected: --admin-port, --timeout)");
                    return 2;
                }
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        URI uri = URI.create("http://127.0.0.1:" + port + "/ready");
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return 0;
                }
                last = r.statusCode() + " " + r.body().strip();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        System.err.println("weft-sidecar wait-ready: proxy on admin port " + port + " not ready after " + timeoutSeconds + "s: " + last);
        return 1;
    }
}
