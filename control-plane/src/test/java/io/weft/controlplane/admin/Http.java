package io.weft.controlplane.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, so a test can send exactly the headers a browser (or an attacker's
 * page) would — including a Host the JDK client would not let it set.
 */
final class Http {
    record Response(int status, List<String> headers, String body) {
        Optional<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst();
        }

        List<String> all(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).toList();
        }
    }

    private Http() {
    }

    /** Sends {@code method path} with the given header lines ("Name: value") and body; reads to the end. */
    static Response send(int port, String method, String path, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (String h : headers) {
            host |= h.regionMatches(true, 0, "Host:", 0, 5);
            req.append(h).append("\r\n");
        }
        if (!host) {
            req.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return parse(s.getInputStream());
        }
    }

    static Response get(int port, String path, String... headers) throws IOException {
        return send(port, "GET", path, null, headers);
    }

    /** Reads the head, then exactly Content-Length bytes of body (the server may keep the connection open). */
    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.UTF_8).trim().split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        Response r = new Response(status, headers, "");
        int length = r.header("Content-Length").map(Integer::parseInt).orElse(0);
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Response(status, headers, body);
    }
}
