package io.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
    @Test
    void closesInReverseOrderAndPastAFailure() {
        List<String> closed = new ArrayList<>();
        try (Closer closer = new Closer()) {
            closer.register(() -> closed.add("control plane"));
            closer.register(() -> {
                closed.add("sidecar");
                throw new IllegalStateException("already stopped");
            });
            closer.register(() -> closed.add("app"));
        }
        assertEquals(List.of("app", "sidecar", "control plane"), closed);
    }

    @Test
    void closesEachOnlyOnce() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.register(() -> closed.add("app"));
        closer.close();
        closer.close();
        assertEquals(List.of("app"), closed);
    }
}
