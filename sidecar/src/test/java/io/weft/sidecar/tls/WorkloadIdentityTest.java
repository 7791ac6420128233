package io.weft.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.proto.identity.KeyMaterial;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkloadIdentityTest {
    final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    final TestCa ca = new TestCa(clock);

    @Test
    void renewsAtTheRequestedFractionOfTheLifetime() throws Exception {
        try (WorkloadIdentity id = ca.identity("users", Duration.ofHours(24))) {
            KeyMaterial m = id.current();
            // the CA backdates by a minute, so half-life is 12h30s after issue minus that minute
            Duration half = WorkloadIdentity.renewalDelay(m, clock.instant(), 0.5);
            assertEquals(Duration.ofHours(12).minusSeconds(30), half);
            assertTrue(WorkloadIdentity.renewalDelay(m, clock.instant(), 0.4).compareTo(half) < 0);
            assertEquals(Duration.ZERO, WorkloadIdentity.renewalDelay(m, clock.instant().plus(Duration.ofHours(20)), 0.5),
                    "overdue renewals happen at once");
        }
    }

    @Test
    void everyRenewalIsANewKeyAndAFailedRenewalKeepsTheCurrentCertificate() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        var id = TestCa.id("users");
        try (WorkloadIdentity w = WorkloadIdentity.obtain(id, (csr, current) -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("CA unreachable");
            }
            return new WorkloadIdentity.Signed(ca.ca.sign(csr, id, Duration.ZERO), ca.ca.trustBundle());
        }, clock, Duration.ofSeconds(5))) {
            KeyMaterial first = w.current();
            assertEquals(Optional.of("CA unreachable"), w.renewNow());
            assertEquals(first, w.current());
            assertEquals(Optional.empty(), w.renewNow());
            assertNotEquals(first.key(), w.current().key());
        }
    }

    @Test
    void noCertificateInTimeIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WorkloadIdentity.obtain(TestCa.id("users"),
                (csr, current) -> {
                    throw new IllegalStateException("PERMISSION_DENIED csr: identity mismatch");
                }, clock, Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("users") && e.getMessage().contains("PERMISSION_DENIED"), e.getMessage());
    }
}
