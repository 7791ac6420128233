package io.weft.telemetry.export;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where to send OTLP data and how.
 *
 * @param protocol gRPC ({@code http://collector:4317}) or HTTP/protobuf ({@code http://collector:4318})
 * @param uri      the collector's base URI; for HTTP/protobuf a path other than {@code /} is kept as the
 *                 full signal URL, otherwise {@code /v1/traces} or {@code /v1/metrics} is appended
 */
public record OtlpEndpoint(Protocol protocol, URI uri) {
    public enum Protocol {
        GRPC("grpc"), HTTP_PROTOBUF("http/protobuf");

        private final String text;

        Protocol(String text) {
            this.text = text;
        }

        /** The name used in config files, as in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
        public String text() {
            return text;
        }

        /** @throws IllegalArgumentException naming the value and the accepted ones */
        public static Protocol parse(String s) {
            for (Protocol p : values()) {
                if (p.text.equals(s.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("protocol: \"" + s + "\" (expected: grpc or http/protobuf)");
        }
    }

    public OtlpEndpoint {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(uri, "uri");
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint: \"" + uri + "\" (expected: an http:// or https:// URL)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint: \"" + uri + "\" (expected: a URL with a host)");
        }
    }

    /** Parses {@code endpoint} for {@code protocol}; both as written in config. */
    public static OtlpEndpoint of(String protocol, String endpoint) {
        try {
            return new OtlpEndpoint(Protocol.parse(protocol), URI.create(endpoint));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("protocol:")) {
                throw e;
            }
            throw new IllegalArgumentException("endpoint: \"" + endpoint + "\" (expected: an http:// or https:// URL)");
        }
    }

    /** The URL for one signal ({@code traces}, {@code metrics}). */
    String signalUrl(String signal) {
        String s = uri.toString();
        if (protocol == Protocol.GRPC) {
            return s;
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return (s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/v1/" + signal;
        }
        return s;
    }

    @Override
    public String toString() {
        return protocol.text + " " + uri;
    }
}
