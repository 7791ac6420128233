package io.weft.sidecar.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentRequestsTest {
    @Test
    void keepsTheNewestAndFindsByRequestIdOrTraceId() {
        RecentRequests ring = new RecentRequests(3);
        for (int i = 1; i <= 5; i++) {
            ring.add(AccessLogWriterTest.record("r" + i, 200, ""));
        }
        assertEquals(List.of("r5", "r4", "r3"), ring.newest(10).stream().map(RequestRecord::requestId).toList());
        assertEquals(List.of("r5", "r4"), ring.newest(2).stream().map(RequestRecord::requestId).toList());
        assertEquals(1, ring.find("r4").size());
        assertTrue(ring.find("r1").isEmpty(), "overwritten");
        assertEquals(3, ring.find("4bf92f3577b34da6a3ce929d0e0e4736").size());
    }

    @Test
    void diagnosisOfAnUnknownIdSaysSoAndOfASuccessSaysItSucceeded() {
        assertTrue(Diagnosis.explain("abc", List.of()).summary().startsWith("No proxy asked remembers a request"));
        Diagnosis ok = Diagnosis.explain("r1", List.of(AccessLogWriterTest.record("r1", 200, "")));
        assertEquals("The request succeeded: edge-1 answered 200.", ok.summary());
        assertEquals(1, ok.hops().size());
    }
}
