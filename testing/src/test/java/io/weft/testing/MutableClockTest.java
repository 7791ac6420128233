package io.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {
    @Test
    void movesOnlyWhenTold() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), clock.instant());
        clock.advance(Duration.ofSeconds(90));
        assertEquals(Instant.parse("2026-01-01T00:01:30Z"), clock.instant());
        assertEquals(clock.instant().toEpochMilli(), clock.millis());
    }

    @Test
    void staysTheSameClockInAnotherZone() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertSame(clock, clock.withZone(ZoneId.of("Europe/Paris")));
        assertEquals(ZoneId.of("Z"), clock.getZone());
    }
}
