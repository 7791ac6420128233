package io.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
    @Test
    void untilReturnsTheFirstValueThatSatisfiesTheCondition() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(3, Poll.until(Duration.ofSeconds(10), calls::incrementAndGet, n -> n == 3));
        assertEquals(3, calls.get());
    }

    @Test
    void untilReturnsTheLastValueSeenWhenTheDeadlinePasses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(1, Poll.until(Duration.ZERO, calls::incrementAndGet, n -> false));
    }

    @Test
    void untilPassesOnWhatTheCallThrows() {
        IOException e = assertThrows(IOException.class, () -> Poll.until(Duration.ofSeconds(10), () -> {
            throw new IOException("refused");
        }, x -> true));
        assertEquals("refused", e.getMessage());
    }

    @Test
    void awaitReturnsOnceTheConditionHoldsAndOtherwiseSaysWhatItWaitedFor() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Poll.await("three calls", Duration.ofSeconds(10), () -> calls.incrementAndGet() == 3);
        assertEquals(3, calls.get());
        AssertionError e = assertThrows(AssertionError.class, () -> Poll.await("the impossible", Duration.ZERO, () -> false));
        assertEquals("not within 0s: the impossible", e.getMessage());
    }
}
