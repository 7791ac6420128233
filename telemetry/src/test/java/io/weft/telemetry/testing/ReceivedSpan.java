package io.weft.telemetry.testing;

import java.util.Map;

/**
 * One span as an OTLP receiver got it, ids in lower-case hex (the parent empty for a root span).
 *
 * @param service    the {@code service.name} resource attribute of the process that sent it
 * @param kind       SERVER, CLIENT, ... (the OTLP enum name without its {@code SPAN_KIND_} prefix)
 * @param status     UNSET, OK or ERROR (without {@code STATUS_CODE_})
 * @param attributes every attribute, its value as a string
 */
public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                           String service, String status, Map<String, String> attributes) {
    public String attr(String key) {
        return attributes.getOrDefault(key, "");
    }
}
