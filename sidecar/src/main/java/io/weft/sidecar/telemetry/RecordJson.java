package io.weft.sidecar.telemetry;

import io.weft.proto.MeshNames;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link RequestRecord} as one JSON object with snake_case field names — the access-log
 * line format, also served by the admin port. Field names are documented in docs/observability.md.
 * Stateless and thread-safe.
 */
public final class RecordJson {
    /** Every field, in the default order. */
    public static final List<String> FIELDS = MeshNames.ACCESS_LOG_FIELDS;
    private static final Set<String> KNOWN = Set.copyOf(FIELDS);

    private RecordJson() {
    }

    /** @throws IllegalArgumentException naming the first unknown field */
    public static List<String> validate(List<String> fields) {
        for (String f : fields) {
            if (!KNOWN.contains(f)) {
                throw new IllegalArgumentException("access log field \"" + f + "\" (expected: one of " + FIELDS + ")");
            }
        }
        return fields.isEmpty() ? FIELDS : List.copyOf(fields);
    }

    public static void write(StringBuilder out, RequestRecord r, List<String> fields) {
        out.append('{');
        boolean first = true;
        for (String f : fields) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(f).append("\":");
            switch (f) {
                case "time" -> str(out, r.time().toString());
                case "trace_id" -> str(out, r.traceId());
                case "span_id" -> str(out, r.spanId());
                case "request_id" -> str(out, r.requestId());
                case "node" -> str(out, r.node());
                case "listener" -> str(out, r.listener());
                case "method" -> str(out, r.method());
                case "authority" -> str(out, r.authority());
                case "path" -> str(out, r.path());
                case "route" -> str(out, r.route());
                case "cluster" -> str(out, r.cluster());
                case "upstream" -> str(out, r.upstream());
                case "status" -> out.append(r.status());
                case "response_flags" -> str(out, r.responseFlags());
                case "detail" -> str(out, r.detail());
                case "bytes_received" -> out.append(r.bytesReceived());
                case "bytes_sent" -> out.append(r.bytesSent());
                case "duration_ms" -> millis(out, r.durationMicros());
                case "upstream_duration_ms" -> millis(out, r.upstreamMicros());
                case "attempts" -> out.append(r.attempts());
                case "downstream_peer" -> str(out, r.downstreamPeer());
                case "peer_identity" -> str(out, r.peerIdentity());
                default -> out.append("null");
            }
        }
        out.append('}');
    }

    public static String array(List<RequestRecord> records) {
        StringBuilder sb = new StringBuilder(256 * (records.size() + 1)).append('[');
        for (int i = 0; i < records.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            write(sb, records.get(i), FIELDS);
        }
        return sb.append("\n]\n").toString();
    }

    private static void millis(StringBuilder out, long micros) {
        out.append(String.format(Locale.ROOT, "%.3f", micros / 1000.0));
    }

    static void str(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
