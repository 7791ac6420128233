package io.weft.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code weftctl}: the control plane's admin API for people, in a terminal.
 *
 * <pre>
 * weftctl [--admin URL] proxy-status            every connected proxy: ACKed versions per type, last NACK
 * weftctl [--admin URL] rollouts                every pushed change: proxies converged, NACKs, time taken
 * weftctl [--admin URL] config get [FILE]       the config files in force
 * weftctl [--admin URL] config validate FILE    is FILE (as it would be stored) valid?
 * weftctl [--admin URL] config diff FILE        which proxies FILE would change, and how (dry run)
 * weftctl [--admin URL] config apply FILE [--author NAME]
 * weftctl [--admin URL] config delete NAME
 * </pre>
 * The admin URL defaults to {@code $WEFT_ADMIN}, else {@code http://127.0.0.1:15000}. An admin port that is
 * not on loopback asks for the admin token: {@code --token-file FILE} or {@code $WEFT_ADMIN_TOKEN}. Exit status: 0 done,
 * 1 refused (invalid config), 2 usage error or control plane unreachable.
 */
public final class Weftctl {
    static final String USAGE = """
            usage: weftctl [--admin URL] [--token-file FILE] COMMAND
              proxy-status                 connected proxies: ACKed xDS versions per type, last NACK, connected since
              rollouts                     pushed changes: proxies converged, waiting, NACKs, convergence time
              config get [FILE]            the mesh config files in force
              config validate FILE         check FILE as it would be stored (its name is the file name)
              config diff FILE             which proxies FILE would change, and how (dry run)
              config apply FILE [--author NAME]
              config delete NAME
            the admin URL defaults to $WEFT_ADMIN, else http://127.0.0.1:15000; an admin port not on loopback
            asks for the admin token: --token-file FILE, or $WEFT_ADMIN_TOKEN
            asked of the proxies' own admin ports (./weft ctl dispatches these):
              why TRACE_ID|REQUEST_ID --admin HOST:PORT[,...]   which hop failed a request, and why
              top --admin HOST:PORT[,...] [--window S] [--once]  per-route rps, error rate, p99""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI admin;
    private final Optional<String> token;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Weftctl(URI admin, Optional<String> token, PrintStream out, PrintStream err) {
        this.admin = admin;
        this.token = token;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        String admin = System.getenv().getOrDefault("WEFT_ADMIN", "http://127.0.0.1:15000");
        int i = rest.indexOf("--admin");
        if (i >= 0) {
            if (i + 1 >= rest.size()) {
                err.println("weftctl: --admin: missing value (expected: a URL such as http://127.0.0.1:15000)\n" + USAGE);
                return 2;
            }
            admin = rest.get(i + 1);
            rest.subList(i, i + 2).clear();
        }
        Optional<String> token = Optional.ofNullable(System.getenv("WEFT_ADMIN_TOKEN")).map(String::trim)
                .filter(t -> !t.isEmpty());
        int t = rest.indexOf("--token-file");
        if (t >= 0) {
            try {
                token = Optional.of(Files.readString(Path.of(rest.get(t + 1))).trim());
            } catch (IndexOutOfBoundsException | IOException e) {
                err.println("weftctl: --token-file: " + (t + 1 < rest.size() ? "cannot read " + rest.get(t + 1) : "missing value")
                        + " (expected: a file holding the admin token)\n" + USAGE);
                return 2;
            }
            rest.subList(t, t + 2).clear();
        }
        if (rest.isEmpty() || rest.contains("-h") || rest.contains("--help")) {
            (rest.isEmpty() ? err : out).println(USAGE);
            return rest.isEmpty() ? 2 : 0;
        }
        Weftctl ctl = new Weftctl(URI.create(admin.replaceAll("/+$", "")), token, out, err);
        try {
            return ctl.dispatch(rest);
        } catch (ConnectException e) {
            err.println("weftctl: cannot reach the control plane's admin API at " + admin + " (is it running? --admin URL)");
            return 2;
        } catch (IOException e) {
            err.println("weftctl: " + admin + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("weftctl: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
    }

    private int dispatch(List<String> args) throws IOException, InterruptedException {
        String cmd = args.get(0);
        switch (cmd) {
            case "proxy-status" -> {
                out.print(Tables.proxies(get("/api/v1/proxies")));
                return 0;
            }
            case "rollouts" -> {
                out.print(Tables.rollouts(get("/api/v1/rollouts")));
                return 0;
            }
            case "config" -> {
                return config(args.subList(1, args.size()));
            }
            default -> throw new IllegalArgumentException(cmd + ": unknown command (expected: proxy-status, rollouts, config)");
        }
    }

    private int config(List<String> args) throws IOException, InterruptedException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("config: missing subcommand (expected: get, validate, diff, apply, delete)");
        }
        String sub = args.get(0);
        if (sub.equals("get")) {
            JsonNode files = get("/api/v1/config").path("files");
            if (args.size() > 1) {
                JsonNode f = files.path(args.get(1));
                if (f.isMissingNode()) {
                    err.println("weftctl: " + args.get(1) + ": no such config file (expected one of: "
                            + String.join(", ", iterable(files.fieldNames())) + ")");
                    return 1;
                }
                out.print(f.asText());
            } else {
                files.properties().forEach(e -> out.print("# --- " + e.getKey() + "\n" + e.getValue().asText()));
            }
            return 0;
        }
        if (args.size() < 2) {
            throw new IllegalArgumentException("config " + sub + ": missing FILE");
        }
        String author = option(args, "--author").orElse(System.getProperty("user.name", "weftctl"));
        if (sub.equals("delete")) {
            return change("DELETE", "/api/v1/config/files/" + enc(args.get(1)) + "?author=" + enc(author), null, false);
        }
        Path file = Path.of(args.get(1));
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            err.println("weftctl: " + file + ": no such file");
            return 2;
        }
        String name = enc(file.getFileName().toString());
        return switch (sub) {
            case "validate" -> change("POST", "/api/v1/config/validate?file=" + name, yaml, true);
            case "diff" -> change("POST", "/api/v1/config/diff?file=" + name, yaml, false);
            case "apply" -> change("PUT", "/api/v1/config/files/" + name + "?author=" + enc(author), yaml, false);
            default -> throw new IllegalArgumentException("config " + sub
                    + ": unknown subcommand (expected: get, validate, diff, apply, delete)");
        };
    }

    private int change(String method, String path, String body, boolean validateOnly) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpResponse<String> r = http.send(request(path).method(method, pub)
                .header("Content-Type", "application/yaml").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        refusedAccess(r);
        JsonNode json = parse(r);
        if (!json.path("valid").asBoolean(false)) {
            err.println("refused: " + json.path("error").asText(r.body()));
            return 1;
        }
        if (validateOnly) {
            out.println("valid");
        } else if (method.equals("POST")) {
            out.print(Tables.diff(json, "would change"));
        } else {
            out.println("applied: mesh version " + json.path("meshVersion").asLong() + ", pushed to "
                    + json.path("proxies").asInt() + " proxies (follow it with: weftctl rollouts)");
        }
        return 0;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        refusedAccess(r);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return parse(r);
    }

    /** A request to the admin API, with the admin token when one is given. */
    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(admin.resolve(path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private void refusedAccess(HttpResponse<String> r) throws IOException {
        if (r.statusCode() == 401) {
            throw new IOException("the admin port asks for the admin token (" + (token.isPresent() ? "the one given is wrong"
                    : "none given") + "; expected: --token-file FILE or WEFT_ADMIN_TOKEN)");
        }
    }

    private static JsonNode parse(HttpResponse<String> r) throws IOException {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("HTTP " + r.statusCode() + ": not JSON: " + r.body(), e);
        }
    }

    private static java.util.Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? java.util.Optional.of(args.get(i + 1)) : java.util.Optional.empty();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
