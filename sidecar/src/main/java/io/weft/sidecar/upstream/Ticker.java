package io.weft.sidecar.upstream;

/** A source of monotonic nanoseconds; tests drive time through their own. */
@FunctionalInterface
public interface Ticker {
    long nanos();

    static Ticker system() {
        return System::nanoTime;
    }
}
