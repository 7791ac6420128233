package io.weft.examples.payments;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.weft.examples.common.AppArgs;
import io.weft.examples.common.Fault;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code payments} example service: {@code POST /payments} with {@code {"orderId":"7","amount":42.0}}
 * captures a payment. In the demo mesh only {@code orders} is authorized to call it.
 */
public final class PaymentsApp {
    private static final Pattern ORDER = Pattern.compile("\"orderId\"\\s*:\\s*\"([0-9A-Za-z-]{1,32})\"");
    private static final Pattern AMOUNT = Pattern.compile("\"amount\"\\s*:\\s*([0-9]{1,9}(\\.[0-9]{1,2})?)");

    private PaymentsApp() {
    }

    public static WebServer start(int port) {
        Fault fault = new Fault();
        AtomicLong ids = new AtomicLong(1000);
        return WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .routing(r -> {
                    fault.routes(r);
                    r.get("/health", (req, res) -> res.send("ok"))
                            .post("/payments", (req, res) -> {
                                if (fault.inject(res)) {
                                    return;
                                }
                                String body = req.content().as(String.class);
                                Matcher order = ORDER.matcher(body);
                                Matcher amount = AMOUNT.matcher(body);
                                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                                if (!order.find() || !amount.find()) {
                                    res.status(Status.BAD_REQUEST_400).send(
                                            "{\"error\":\"expected {\\\"orderId\\\":\\\"<id>\\\",\\\"amount\\\":<number>}\"}");
                                    return;
                                }
                                res.status(Status.CREATED_201).send("{\"payment\":\"p" + ids.incrementAndGet() + "\",\"orderId\":\""
                                        + order.group(1) + "\",\"amount\":" + amount.group(1) + ",\"status\":\"captured\"}");
                            });
                })
                .build()
                .start();
    }

    public static void main(String[] args) {
        AppArgs a = AppArgs.parse("payments", args, 8084);
        WebServer s = start(a.port());
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        System.out.println("payments listening on 127.0.0.1:" + s.port());
    }
}
