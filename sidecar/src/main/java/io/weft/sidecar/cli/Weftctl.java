package io.weft.sidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.sidecar.telemetry.Diagnosis;
import io.weft.sidecar.telemetry.RequestRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The observability commands of {@code weftctl} (issue 8), asking proxies' admin ports:
 * <pre>
 * weftctl why TRACE_ID|REQUEST_ID --admin HOST:PORT[,HOST:PORT...]
 * weftctl top --admin HOST:PORT[,...] [--window SECONDS] [--once]
 * </pre>
 * Exit status: 0 on success, 1 when nothing was found or a proxy could not be asked, 2 on bad usage.
 */
public final class Weftctl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final PrintStream out;
    private final PrintStream err;

    private Weftctl(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one command, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        return new Weftctl(out, err).command(args);
    }

    private int command(List<String> args) throws InterruptedException {
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
            out.println("usage: weftctl why TRACE_ID|REQUEST_ID --admin HOST:PORT[,HOST:PORT...]\n"
                    + "       weftctl top --admin HOST:PORT[,...] [--window SECONDS] [--once]");
            return args.isEmpty() ? 2 : 0;
        }
        List<String> admins = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        int window = 10;
        boolean once = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--admin" -> {
                    if (i + 1 >= args.size()) {
                        return usage("--admin: missing value (expected: HOST:PORT[,HOST:PORT...])");
                    }
                    admins.addAll(Arrays.asList(args.get(++i).split(",")));
                }
                case "--window" -> {
                    try {
                        window = Integer.parseInt(i + 1 < args.size() ? args.get(++i) : "");
                    } catch (NumberFormatException e) {
                        return usage("--window: \"" + args.get(i) + "\" (expected: seconds, a positive whole number)");
                    }
                }
                case "--once" -> once = true;
                default -> {
                    if (a.startsWith("--")) {
                        return usage(a + ": unknown flag (expected: --admin, --window, --once)");
                    }
                    positional.add(a);
                }
            }
        }
        if (admins.isEmpty()) {
            return usage("--admin: missing (expected: the admin HOST:PORT of every proxy to ask)");
        }
        return switch (args.get(0)) {
            case "why" -> positional.size() == 1 ? why(positional.get(0), admins)
                    : usage("why: expected one trace id or request id, got " + positional);
            case "top" -> top(admins, window, once);
            default -> usage(args.get(0) + ": unknown command (expected: why or top)");
        };
    }

    private int why(String id, List<String> admins) {
        List<RequestRecord> records = new ArrayList<>();
        int failures = 0;
        for (String admin : admins) {
            try {
                HttpResponse<String> r = get(admin, "/requests/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                if (r.statusCode() == 200 || r.statusCode() == 404) {
                    for (JsonNode n : JSON.readTree(r.body())) {
                        records.add(record(n));
                    }
                } else {
                    err.println("weftctl: " + admin + " answered " + r.statusCode());
                    failures++;
                }
            } catch (IOException | InterruptedException e) {
                err.println("weftctl: " + admin + ": cannot ask (" + e.getMessage() + ")");
                failures++;
            }
        }
        Diagnosis d = Diagnosis.explain(id, records);
        out.println(d.summary());
        if (!d.hops().isEmpty()) {
            out.println();
            out.println("hops, in arrival order:");
            d.hops().forEach(h -> out.println("  " + h));
        }
        return records.isEmpty() || failures > 0 ? 1 : 0;
    }

    private int top(List<String> admins, int window, boolean once) throws InterruptedException {
        do {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %-14s %-22s %9s %7s %9s %9s%n",
                    "PROXY", "LISTENER", "ROUTE", "RPS", "ERR%", "P50(ms)", "P99(ms)"));
            for (String admin : admins) {
                try {
                    HttpResponse<String> r = get(admin, "/stats/routes?window=" + window);
                    for (JsonNode n : JSON.readTree(r.body())) {
                        sb.append(String.format(Locale.ROOT, "%-22s %-14s %-22s %9.1f %6.1f%% %9.1f %9.1f%n", admin,
                                n.path("listener").asText(), n.path("route").asText().isEmpty() ? "-" : n.path("route").asText(),
                                n.path("rps").asDouble(), 100 * n.path("error_rate").asDouble(),
                                n.path("p50_ms").asDouble(), n.path("p99_ms").asDouble()));
                    }
                } catch (IOException e) {
                    sb.append(String.format(Locale.ROOT, "%-22s (cannot ask: %s)%n", admin, e.getMessage()));
                }
            }
            if (!once) {
                out.print("\033[H\033[2J");
            }
            out.print(sb);
            out.flush();
            if (!once) {
                Thread.sleep(2000);
            }
        } while (!once);
        return 0;
    }

    private HttpResponse<String> get(String admin, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static RequestRecord record(JsonNode n) {
        return new RequestRecord(Instant.parse(n.path("time").asText()), n.path("trace_id").asText(),
                n.path("span_id").asText(), n.path("request_id").asText(), n.path("node").asText(),
                n.path("listener").asText(), n.path("method").asText(), n.path("authority").asText(),
                n.path("path").asText(), n.path("route").asText(), n.path("cluster").asText(), n.path("upstream").asText(),
                n.path("status").asInt(), n.path("response_flags").asText(), n.path("detail").asText(),
                n.path("bytes_received").asLong(), n.path("bytes_sent").asLong(),
                Math.round(n.path("duration_ms").asDouble() * 1000), Math.round(n.path("upstream_duration_ms").asDouble() * 1000),
                n.path("attempts").asInt(), n.path("downstream_peer").asText(), n.path("peer_identity").asText());
    }

    private int usage(String message) {
        err.println("weftctl: " + message);
        return 2;
    }
}
