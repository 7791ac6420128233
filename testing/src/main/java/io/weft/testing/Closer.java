package io.weft.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a test fixture started (servers, proxies, control planes), closed in reverse order of
 * registration: callers are closed before what they call. A failure to close one does not keep
 * the rest open. Not thread-safe: the fixture's constructor registers, the test closes.
 */
public final class Closer implements AutoCloseable {
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Registers {@code c} to be closed, and returns it. */
    public <T extends AutoCloseable> T register(T c) {
        started.add(Objects.requireNonNull(c, "c"));
        return c;
    }

    @Override
    public void close() {
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        started.clear();
    }
}
