package io.weft.controlplane.admin.ui;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.admin.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files of the dashboard, read once from a classpath folder and kept in memory (they are a few
 * kilobytes). Only plain relative names of known types are served; anything else is a 404.
 * Thread-safe.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    private final String root;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>(); // only files that exist: bounded by the jar

    StaticFiles(String root) {
        this.root = root;
    }

    void send(String name, ServerResponse res) {
        Optional<String> type = typeOf(name);
        Optional<byte[]> body = type.isEmpty() ? Optional.empty()
                : Optional.ofNullable(cache.get(name)).or(() -> read(name).map(b -> {
                    cache.put(name, b);
                    return b;
                }));
        if (body.isEmpty()) {
            ApiError.send(res, Status.NOT_FOUND_404, "/ui/" + name + ": no such dashboard file");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, type.get())
                .header(HeaderNames.CACHE_CONTROL, "no-cache")
                .send(body.get());
    }

    private static Optional<String> typeOf(String name) {
        if (name == null || !name.matches("[a-z0-9_-]+(/[a-z0-9_-]+)*\\.[a-z]+")) {
            return Optional.empty();
        }
        return Optional.ofNullable(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    }

    private Optional<byte[]> read(String name) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + "/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }
}
