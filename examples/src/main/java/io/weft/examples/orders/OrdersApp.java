package io.weft.examples.orders;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerResponse;
import io.weft.examples.common.AppArgs;
import io.weft.examples.common.Fault;
import io.weft.examples.common.MeshClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.function.IntSupplier;

/**
 * The {@code orders} example service. {@code GET /orders/{id}} composes the order from {@code users}
 * and {@code catalog}; {@code POST /orders/{id}/pay} captures it at {@code payments}. It calls them by
 * name — {@code http://users/...} — through its sidecar, used as an ordinary HTTP proxy. The app has no
 * mesh code: no certificates, no retries, no discovery.
 */
public final class OrdersApp {
    private static final String[] ITEMS = {"b1", "b2", "b3"};

    private OrdersApp() {
    }

    public static WebServer start(int port, int outboundPort) {
        return start(port, () -> outboundPort);
    }

    /** @param outboundPort read on every call, so a test can start the app before its sidecar */
    public static WebServer start(int port, IntSupplier outboundPort) {
        MeshClient mesh = new MeshClient(outboundPort);
        Fault fault = new Fault();
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> {
                    fault.routes(r);
                    r.get("/health", (req, res) -> res.send("ok"))
                            .get("/orders/{id}", (req, res) -> {
                                if (fault.inject(res)) {
                                    return;
                                }
                                String id = orderId(req.path().pathParameters().get("id"), res);
                                if (id == null) {
                                    return;
                                }
                                int n = Integer.parseInt(id);
                                try {
                                    HttpResponse<String> user = mesh.get(req, "http://users/users/" + (n % 3 + 1));
                                    if (!ok(user, "users", res)) {
                                        return;
                                    }
                                    HttpResponse<String> item = mesh.get(req, "http://catalog/catalog/items/" + ITEMS[n % ITEMS.length]);
                                    String itemJson = item.statusCode() == 200 ? item.body() : "null"; // degrade: order without item details
                                    res.header(HeaderNames.CONTENT_TYPE, "application/json")
                                            .send("{\"order\":\"" + id + "\",\"user\":" + user.body() + ",\"item\":" + itemJson + "}");
                                } catch (IOException e) {
                                    res.status(Status.BAD_GATEWAY_502).send("{\"error\":\"mesh unreachable: " + e.getClass().getSimpleName() + "\"}");
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    res.status(Status.SERVICE_UNAVAILABLE_503).send("{\"error\":\"interrupted\"}");
                                }
                            })
                            .post("/orders/{id}/pay", (req, res) -> {
                                String id = orderId(req.path().pathParameters().get("id"), res);
                                if (id == null) {
                                    return;
                                }
                                try {
                                    HttpResponse<String> paid = mesh.post(req, "http://payments/payments",
                                            "{\"orderId\":\"" + id + "\",\"amount\":42.00}");
                                    if (ok(paid, "payments", res)) {
                                        res.status(Status.CREATED_201).header(HeaderNames.CONTENT_TYPE, "application/json").send(paid.body());
                                    }
                                } catch (IOException e) {
                                    res.status(Status.BAD_GATEWAY_502).send("{\"error\":\"payments unreachable\"}");
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    res.status(Status.SERVICE_UNAVAILABLE_503).send("{\"error\":\"interrupted\"}");
                                }
                            });
                })
                .build()
                .start();
    }

    private static String orderId(String raw, ServerResponse res) {
        if (raw == null || !raw.matches("[0-9]{1,9}")) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":\"order id must be a number of up to 9 digits\"}");
            return null;
        }
        return raw;
    }

    /** Passes a failed dependency on as 502, with the mesh's response flag so the caller can tell why. */
    private static boolean ok(HttpResponse<String> r, String service, ServerResponse res) {
        if (r.statusCode() / 100 == 2) {
            return true;
        }
        res.status(Status.BAD_GATEWAY_502).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send("{\"error\":\"" + service + " answered " + r.statusCode() + "\",\"flags\":\""
                        + r.headers().firstValue("x-weft-response-flags").orElse("") + "\"}");
        return false;
    }

    public static void main(String[] args) {
        AppArgs a = AppArgs.parse("orders", args, 8082);
        WebServer s = start(a.port(), a.outboundPort());
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("orders listening on 127.0.0.1:" + s.port() + " (mesh via 127.0.0.1:" + a.outboundPort() + ")");
    }
}
