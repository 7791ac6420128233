package io.weft.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLSession;

/**
 * A response read off a raw socket (for requests the JDK client will not send, such as a custom
 * Host header), parsed just enough for assertions: status, headers, body (Content-Length or close).
 */
record RawResponse(int statusCode, HttpHeaders headers, String body) implements HttpResponse<String> {
    /** Reads one response: head up to the blank line, then Content-Length bytes of body. */
    static RawResponse read(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed inside the response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        RawResponse r = parse(head.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        int length = Integer.parseInt(r.headers().firstValue("content-length")
                .orElseThrow(() -> new java.io.IOException("no Content-Length in " + head)));
        String body = new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
        return new RawResponse(r.statusCode(), r.headers(), body);
    }

    static RawResponse parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            h.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
        return new RawResponse(status, HttpHeaders.of(h, (a, b) -> true), body);
    }

    @Override
    public HttpRequest request() {
        return null;
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return null;
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
