package io.weft.sidecar.filter.authn;

import io.weft.sidecar.edge.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API keys, known only by their SHA-256: a presented key is hashed and looked up. The config never
 * holds a usable key. Immutable and thread-safe.
 */
final class ApiKeys {
    private final Map<String, AuthnConfig.ApiKey> byHash;

    ApiKeys(List<AuthnConfig.ApiKey> keys) {
        Map<String, AuthnConfig.ApiKey> m = new HashMap<>();
        keys.forEach(k -> m.put(k.sha256(), k));
        this.byHash = Map.copyOf(m);
    }

    boolean isEmpty() {
        return byHash.isEmpty();
    }

    Optional<Identity> lookup(String presented) {
        AuthnConfig.ApiKey k = byHash.get(sha256Hex(presented));
        return k == null ? Optional.empty()
                : Optional.of(new Identity(k.id(), Identity.API_KEY, k.scopes(), Map.of()));
    }

    static String sha256Hex(String s) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
