package io.weft.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits on a condition with a deadline instead of a fixed sleep. Runs on the caller's thread, polling
 * every 20 ms: short next to the deadlines, long enough not to hog the few cores of a build machine.
 */
public final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private Poll() {
    }

    /** Something to poll: a request, a read of state. What it throws ends the wait and reaches the caller. */
    @FunctionalInterface
    public interface Check<T, E extends Exception> {
        T get() throws E;
    }

    /**
     * Calls {@code call} until {@code done} holds for what it returned or {@code deadline} passes, and
     * returns the last value either way, so that the test's assertion on it says what was seen.
     */
    public static <T, E extends Exception> T until(Duration deadline, Check<T, E> call, Predicate<T> done)
            throws E, InterruptedException {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(done, "done");
        Instant end = Instant.now().plus(deadline);
        T last = call.get();
        while (!done.test(last) && Instant.now().isBefore(end)) {
            Thread.sleep(INTERVAL);
            last = call.get();
        }
        return last;
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError {@code "not within <n>s: <what>"} when {@code deadline} passes first
     */
    public static void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        if (!until(deadline, condition::getAsBoolean, Boolean::booleanValue)) {
            throw new AssertionError("not within " + deadline.toSeconds() + "s: " + what);
        }
    }
}
