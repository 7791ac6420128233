package io.weft.sidecar.testing;

import java.util.Map;
import java.util.TreeMap;

/** Counts which backend answered, by the {@code x-backend} header the test backends stamp. */
public final class Counting {
    private final Map<String, Integer> byBackend = new TreeMap<>();

    public Counting add(RawHttp.Response r) {
        byBackend.merge(r.header("x-backend").orElse(r.status() + " " + r.flags()), 1, Integer::sum);
        return this;
    }

    public int of(String backend) {
        return byBackend.getOrDefault(backend, 0);
    }

    public Map<String, Integer> all() {
        return byBackend;
    }

    @Override
    public String toString() {
        return byBackend.toString();
    }
}
