package io.weft.examples.orders;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The {@code orders} example service. {@code GET /orders/{id}} looks up the order's user by calling
 * {@code http://users/users/{userId}} — by service name, through its sidecar, which it uses as an
 * ordinary HTTP proxy. The app has no mesh code: no certificates, no retries, no discovery.
 */
public final class OrdersApp {
    private OrdersApp() {
    }

    /**
     * @param port         the app's port
     * @param outboundPort its sidecar's outbound port (the app's HTTP proxy)
     */
    public static WebServer start(int port, int outboundPort) {
        return start(port, () -> outboundPort);
    }

    /**
     * @param outboundPort read on every call, so a test can start the app before its sidecar
     */
    public static WebServer start(int port, IntSupplier outboundPort) {
        HttpClient http = HttpClient.newBuilder()
                .proxy(new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", outboundPort.getAsInt())));
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                    }
                })
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> r
                        .get("/health", (req, res) -> res.send("ok"))
                        .get("/orders/{id}", (req, res) -> {
                            String id = req.path().pathParameters().get("id").replaceAll("[^0-9]", "");
                            if (id.isEmpty()) {
                                res.status(Status.BAD_REQUEST_400).send("{\"error\":\"order id must be a number\"}");
                                return;
                            }
                            String userId = String.valueOf(Integer.parseInt(id.length() > 6 ? id.substring(0, 6) : id) % 3 + 1);
                            HttpRequest call = HttpRequest.newBuilder(URI.create("http://users/users/" + userId))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("x-request-id", req.headers().first(HeaderNames.create("x-request-id")).orElse(""))
                                    .build();
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            try {
                                HttpResponse<String> user = http.send(call, HttpResponse.BodyHandlers.ofString());
                                if (user.statusCode() != 200) {
                                    res.status(Status.BAD_GATEWAY_502).send("{\"error\":\"users answered " + user.statusCode()
                                            + "\",\"flags\":\"" + user.headers().firstValue("x-weft-response-flags").orElse("") + "\"}");
                                    return;
                                }
                                res.send("{\"order\":\"" + id + "\",\"item\":\"book\",\"user\":" + user.body() + "}");
                            } catch (IOException e) {
                                res.status(Status.BAD_GATEWAY_502).send("{\"error\":\"users unreachable\"}");
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                res.status(Status.SERVICE_UNAVAILABLE_503).send("{\"error\":\"interrupted\"}");
                            }
                        }))
                .build()
                .start();
    }

    /** {@code orders --port N --outbound-port N}. */
    public static void main(String[] args) {
        int port = 8082;
        int outbound = 15001;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--outbound-port" -> outbound = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException(args[i] + ": unknown flag (expected: --port, --outbound-port)");
            }
        }
        WebServer s = start(port, outbound);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("orders listening on 127.0.0.1:" + s.port() + " (mesh via 127.0.0.1:" + outbound + ")");
    }
}
