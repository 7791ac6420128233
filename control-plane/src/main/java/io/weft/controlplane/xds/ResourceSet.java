package io.weft.controlplane.xds;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resources of one type that one subscription sees, sorted by name, with a version derived
 * from their names and versions (so a state-of-the-world response is resent only when it changed).
 */
record ResourceSet(Map<String, XdsResource> resources, String version) {
    static final ResourceSet EMPTY = of(java.util.List.of());

    static ResourceSet of(Collection<XdsResource> items) {
        TreeMap<String, XdsResource> sorted = new TreeMap<>();
        items.forEach(r -> sorted.put(r.name(), r));
        Hasher h = Hashing.farmHashFingerprint64().newHasher();
        sorted.forEach((name, r) -> h.putString(name, StandardCharsets.UTF_8).putByte((byte) 0)
                .putString(r.version(), StandardCharsets.UTF_8).putByte((byte) 0));
        return new ResourceSet(java.util.Collections.unmodifiableMap(sorted), Long.toHexString(h.hash().asLong()));
    }
}
