package io.weft.examples.users;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.weft.examples.common.AppArgs;
import io.weft.examples.common.Fault;
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
        Fault fault = new Fault();
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> r
                        .register(fault::routes)
                        .get("/health", (req, res) -> res.send("ok"))
                        .get("/users/{id}", (req, res) -> {
                            if (fault.inject(res)) {
                                return;
                            }
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
        AppArgs a = AppArgs.parse("users", args, 8081);
        WebServer s = start(a.port(), a.version());
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("users " + a.version() + " listening on 127.0.0.1:" + s.port());
    }
}
