package io.weft.sidecar.testing;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a loopback port standing in for an app. By default it echoes: status 200,
 * header {@code x-backend: <name>}, and a body listing the method, path with query, every request
 * header ({@code name: value} lines, lower-case names) and the request body's length.
 */
public final class Backend implements AutoCloseable {
    private final String name;
    private final WebServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private Backend(String name, Handler handler) {
        this.name = name;
        this.server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.any((req, res) -> {
                    requests.incrementAndGet();
                    res.header("x-backend", name);
                    handler.handle(req, res);
                }))
                .build().start();
    }

    public static Backend echo(String name) {
        return new Backend(name, (req, res) -> {
            StringBuilder sb = new StringBuilder();
            String q = req.query().rawValue();
            sb.append(req.prologue().method().text()).append(' ').append(req.path().rawPath())
                    .append(q.isEmpty() ? "" : "?" + q).append('\n');
            for (Header h : req.headers()) {
                sb.append(h.headerName().lowerCase()).append(": ").append(h.values()).append('\n');
            }
            long n = 0;
            if (req.content().hasEntity()) {
                try (InputStream in = req.content().inputStream()) {
                    n = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            sb.append("body-length: ").append(n).append('\n');
            res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(sb.toString());
        });
    }

    public static Backend of(String name, Handler handler) {
        return new Backend(name, handler);
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.port();
    }

    /** How many requests reached this backend. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop();
    }
}
