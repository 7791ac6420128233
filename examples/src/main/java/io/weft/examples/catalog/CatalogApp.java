package io.weft.examples.catalog;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.weft.examples.common.AppArgs;
import io.weft.examples.common.Fault;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code catalog} example service: {@code GET /catalog/items} and {@code /catalog/items/{id}}.
 * Version v2 adds a rating to every item, so a canary split is visible in the responses.
 */
public final class CatalogApp {
    private static final Map<String, String[]> ITEMS = new LinkedHashMap<>();

    static {
        ITEMS.put("b1", new String[] {"The Pragmatic Programmer", "42.00", "4.7"});
        ITEMS.put("b2", new String[] {"Java Concurrency in Practice", "49.90", "4.8"});
        ITEMS.put("b3", new String[] {"Designing Data-Intensive Applications", "45.50", "4.9"});
    }

    private CatalogApp() {
    }

    public static WebServer start(int port, String version) {
        Fault fault = new Fault();
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> {
                    fault.routes(r);
                    r.get("/health", (req, res) -> res.send("ok"))
                            .get("/catalog/items", (req, res) -> {
                                if (fault.inject(res)) {
                                    return;
                                }
                                String body = ITEMS.keySet().stream().map(id -> item(id, version)).collect(Collectors.joining(","));
                                res.header(HeaderNames.CONTENT_TYPE, "application/json").send("{\"items\":[" + body + "],\"version\":\"" + version + "\"}");
                            })
                            .get("/catalog/items/{id}", (req, res) -> {
                                if (fault.inject(res)) {
                                    return;
                                }
                                String id = req.path().pathParameters().get("id");
                                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                                if (!ITEMS.containsKey(id)) {
                                    res.status(Status.NOT_FOUND_404).send("{\"error\":\"no such item\",\"version\":\"" + version + "\"}");
                                    return;
                                }
                                res.send(item(id, version));
                            });
                })
                .build()
                .start();
    }

    static String item(String id, String version) {
        String[] i = ITEMS.get(id);
        String rating = version.equals("v1") ? "" : ",\"rating\":" + i[2];
        return "{\"id\":\"" + id + "\",\"title\":\"" + i[0] + "\",\"price\":" + i[1] + rating + ",\"version\":\"" + version + "\"}";
    }

    public static void main(String[] args) {
        AppArgs a = AppArgs.parse("catalog", args, 8083);
        WebServer s = start(a.port(), a.version());
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("catalog " + a.version() + " listening on 127.0.0.1:" + s.port());
    }
}
