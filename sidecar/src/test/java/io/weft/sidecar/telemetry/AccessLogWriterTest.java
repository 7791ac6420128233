package io.weft.sidecar.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogWriterTest {
    @TempDir
    Path tmp;

    static RequestRecord record(String requestId, int status, String flags) {
        return new RequestRecord(Instant.parse("2026-01-02T03:04:05.123456Z"), "4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7", requestId, "edge-1", "weft.edge", "GET", "shop.example", "/orders/\"7\"", "orders-api",
                "orders", "10.0.0.7:15006", status, flags, flags.isEmpty() ? "" : "no healthy upstream in orders",
                0, 42, 12_345, 11_000, 1, "127.0.0.1", "");
    }

    @Test
    void errorsAreAlwaysWrittenSuccessesBySamplingWithTheConfiguredFields() throws Exception {
        Path file = tmp.resolve("access.log");
        try (AccessLogWriter log = AccessLogWriter.start()) {
            log.configure(true, file.toString(), 0.0, List.of("time", "request_id", "status", "response_flags", "path", "duration_ms"));
            log.offer(record("ok-1", 200, ""));
            log.offer(record("err-1", 503, "UH"));
            log.offer(record("client-1", 404, ""));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(
                "{\"time\":\"2026-01-02T03:04:05.123456Z\",\"request_id\":\"err-1\",\"status\":503,\"response_flags\":\"UH\","
                        + "\"path\":\"/orders/\\\"7\\\"\",\"duration_ms\":12.345}",
                "{\"time\":\"2026-01-02T03:04:05.123456Z\",\"request_id\":\"client-1\",\"status\":404,\"response_flags\":\"\","
                        + "\"path\":\"/orders/\\\"7\\\"\",\"duration_ms\":12.345}"), lines);
    }

    @Test
    void everySuccessIsWrittenAtFullSamplingAndNothingWhenDisabled() throws Exception {
        Path file = tmp.resolve("all.log");
        try (AccessLogWriter log = AccessLogWriter.start()) {
            log.configure(false, file.toString(), 1.0, List.of());
            log.offer(record("off", 200, ""));
            log.configure(true, file.toString(), 1.0, List.of());
            for (int i = 0; i < 100; i++) {
                log.offer(record("ok-" + i, 200, ""));
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(100, lines.size());
        assertTrue(lines.get(0).startsWith("{\"time\":\"2026-01-02T03:04:05.123456Z\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), lines.get(0));
    }

    @Test
    void anUnknownFieldIsRefused() {
        try (AccessLogWriter log = AccessLogWriter.start()) {
            var e = assertThrows(IllegalArgumentException.class, () -> log.configure(true, "-", 1, List.of("colour")));
            assertTrue(e.getMessage().startsWith("access log field \"colour\" (expected: one of [time, trace_id"), e.getMessage());
        }
    }
}
