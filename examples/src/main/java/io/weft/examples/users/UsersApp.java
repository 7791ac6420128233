package io.weft.examples.users;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.util.Map;

/**
 * The {@code users} example service: {@code GET /users/{id}} answers a small JSON user that names
 * the version that served it (so a canary or a route change is visible from outside).
 */
public final class UsersApp {
    private static final Map<String, String> NAMES = Map.of("1", "Ada", "2", "Grace", "3", "Linus", "42", "Barbara");

    private UsersApp() {
    }

    public static WebServer start(int port, String version) {
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> r
                        .get("/health", (req, res) -> res.send("ok"))
                        .get("/users/{id}", (req, res) -> {
                            String id = req.path().pathParameters().get("id");
                            String name = NAMES.get(id);
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            if (name == null) {
                                res.status(Status.NOT_FOUND_404).send("{\"error\":\"no user " + id.replaceAll("[^0-9A-Za-z-]", "")
                                        + "\",\"version\":\"" + version + "\"}");
                                return;
                            }
                            res.send("{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"version\":\"" + version + "\"}");
                        })
                        .any((req, res) -> res.status(Status.NOT_FOUND_404)
                                .header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send("{\"error\":\"not found\",\"version\":\"" + version + "\"}")))
                .build()
                .start();
    }

    /** {@code users [--port N] [--version v1]}. */
    public static void main(String[] args) {
        int port = 8081;
        String version = "v1";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--version" -> version = args[i + 1];
                default -> throw new IllegalArgumentException(args[i] + ": unknown flag (expected: --port, --version)");
            }
        }
        WebServer s = start(port, version);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("users " + version + " listening on 127.0.0.1:" + s.port());
    }
}
