package io.weft.sidecar.upstream.grpc;

import io.grpc.Metadata;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The gRPC-over-HTTP/2 wire details the proxy needs: length-prefixed messages, {@code grpc-timeout},
 * percent-encoded {@code grpc-message}, and header fields ↔ grpc-java {@link Metadata}
 * (binary {@code -bin} values in base64). Stateless.
 */
final class GrpcWire {
    static final int MAX_MESSAGE = 64 * 1024 * 1024;
    /** Fields the transport owns or the proxy handles itself; never copied into call metadata. */
    private static final Set<String> RESERVED = Set.of("content-type", "te", "user-agent", "grpc-timeout", "grpc-encoding",
            "grpc-accept-encoding", "grpc-status", "grpc-message", "host", "content-length");

    private GrpcWire() {
    }

    /** Reads one message, or empty at a clean end of stream; decompresses gzip-flagged messages. */
    static Optional<byte[]> readMessage(InputStream in, String encoding) throws IOException {
        int flag = in.read();
        if (flag < 0) {
            return Optional.empty();
        }
        byte[] len = in.readNBytes(4);
        if (len.length < 4) {
            throw new EOFException("gRPC message prefix cut short");
        }
        int n = ((len[0] & 0xFF) << 24) | ((len[1] & 0xFF) << 16) | ((len[2] & 0xFF) << 8) | (len[3] & 0xFF);
        if (n < 0 || n > MAX_MESSAGE) {
            throw new IOException("gRPC message of " + (n & 0xFFFFFFFFL) + " bytes (expected: at most " + MAX_MESSAGE + ")");
        }
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new EOFException("gRPC message cut short after " + body.length + " of " + n + " bytes");
        }
        if (flag == 1) {
            if (!encoding.equals("gzip")) {
                throw new IOException("compressed gRPC message with grpc-encoding \"" + encoding + "\" (expected: gzip)");
            }
            try (InputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(n * 2);
                byte[] buf = new byte[8192];
                int r;
                while ((r = z.read(buf)) > 0) {
                    out.write(buf, 0, r);
                    if (out.size() > MAX_MESSAGE) {
                        throw new IOException("gRPC message inflates past " + MAX_MESSAGE + " bytes");
                    }
                }
                return Optional.of(out.toByteArray());
            }
        }
        return Optional.of(body);
    }

    static void writeMessage(OutputStream out, byte[] message) throws IOException {
        int n = message.length;
        out.write(new byte[] {0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(message);
    }

    /** The {@code grpc-timeout} of a request in nanoseconds (RFC-less but specified by gRPC), if valid. */
    static Optional<Long> timeoutNanos(String value) {
        if (value.length() < 2 || value.length() > 9) {
            return Optional.empty();
        }
        long n;
        try {
            n = Long.parseLong(value.substring(0, value.length() - 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null || n < 0 ? Optional.empty() : Optional.of(unit.toNanos(n));
    }

    /** The request's end-to-end fields as call metadata. */
    static Metadata toMetadata(Headers headers) {
        Metadata md = new Metadata();
        for (Header h : headers) {
            String name = h.headerName().lowerCase();
            if (RESERVED.contains(name) || name.startsWith(":")) {
                continue;
            }
            for (String v : h.allValues()) {
                if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    try {
                        md.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER), Base64.getDecoder().decode(v.strip()));
                    } catch (IllegalArgumentException e) {
                        // not base64: drop it rather than fail the call
                    }
                } else {
                    md.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), v);
                }
            }
        }
        return md;
    }

    /** Adds call metadata to response headers or trailers. */
    static void addMetadata(Metadata md, WritableHeaders<?> out) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        for (String key : md.keys()) {
            if (RESERVED.contains(key)) {
                continue;
            }
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] v : md.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    out.add(HeaderValues.create(HeaderNames.createFromLowercase(key), b64.encodeToString(v)));
                }
            } else {
                for (String v : md.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    out.add(HeaderValues.create(HeaderNames.createFromLowercase(key), v));
                }
            }
        }
    }

    /** Percent-encodes a status message as {@code grpc-message} requires. */
    static String encodeMessage(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }
}
