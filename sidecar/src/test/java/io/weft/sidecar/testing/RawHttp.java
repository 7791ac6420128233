package io.weft.sidecar.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests a normal client would not send (a chosen Host, bad
 * framing) and for reading exactly what came back. Reads Content-Length, chunked and close-delimited bodies.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A parsed response: status, headers by lower-case name, body, and trailers (chunked only). */
    public record Response(int status, Map<String, List<String>> headers, String body, Map<String, List<String>> trailers) {
        public Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        public String flags() {
            return header("x-weft-response-flags").orElse("");
        }
    }

    /** Sends {@code GET path} with {@code Host: host} and extra {@code name: value} headers, one request per connection. */
    public static Response get(int port, String host, String path, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return exchange(port, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes raw bytes, then reads one response. */
    public static Response exchange(int port, byte[] request) throws IOException {
        return exchange("127.0.0.1", port, request);
    }

    /** As {@link #exchange(int, byte[])}, from a chosen loopback source address (any of 127.0.0.0/8 on Linux). */
    public static Response exchange(String fromIp, int port, byte[] request) throws IOException {
        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        try (Socket s = new Socket(loopback, port, java.net.InetAddress.getByName(fromIp), 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream(), false);
        }
    }

    /** Reads one response; {@code head} true when it answers a HEAD request (no body). */
    public static Response read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = fields(in);
        if (status / 100 == 1) {
            return read(in, head); // interim response: read the final one
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, List<String>> trailers = new TreeMap<>();
        String te = first(headers, "transfer-encoding");
        String cl = first(headers, "content-length");
        if (head || status == 204 || status == 304) {
            // no body
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    trailers = fields(in);
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl.trim())));
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), trailers);
    }

    private static String first(Map<String, List<String>> h, String name) {
        List<String> v = h.get(name);
        return v == null ? null : v.get(0);
    }

    private static Map<String, List<String>> fields(InputStream in) throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            out.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        return out;
    }

    /** One CRLF-terminated line without the CRLF, or null at end of stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
