package io.weft.controlplane.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.proto.identity.SpiffeId;
import io.weft.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinTokensTest {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void aTokenVouchesForTheIdentityItWasMintedFor() {
        JoinTokens tokens = JoinTokens.random("weft.local", clock);
        String t = tokens.mint("shop", "orders", Duration.ofMinutes(10));
        assertEquals(SpiffeId.of("weft.local", "shop", "orders"), tokens.verify(t));
        assertEquals(tokens.verify(t), tokens.verify(t), "a sidecar that restarts can join again with the same token");
    }

    @Test
    void expiredForgedAndTamperedTokensAreRefused() {
        JoinTokens tokens = JoinTokens.random("weft.local", clock);
        String t = tokens.mint("default", "users", Duration.ofMinutes(10));
        String forged = JoinTokens.random("weft.local", clock).mint("default", "users", Duration.ofMinutes(10));
        assertTrue(assertThrows(CaException.class, () -> tokens.verify(forged)).getMessage().contains("does not verify"));
        String[] parts = t.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString("default/orders/9999999999/x".getBytes());
        assertThrows(CaException.class, () -> tokens.verify(parts[0] + "." + otherPayload + "." + parts[2]));
        assertThrows(CaException.class, () -> tokens.verify("Bearer nonsense"));
        clock.advance(Duration.ofMinutes(11));
        CaException e = assertThrows(CaException.class, () -> tokens.verify(t));
        assertEquals(CaException.Reason.UNAUTHENTICATED, e.reason());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void keyFileIsCreatedOnceAndSharedByEveryReader(@TempDir Path tmp) {
        Path key = tmp.resolve("join.key");
        String t = JoinTokens.fromFile(key, "weft.local", clock).mint("default", "users", Duration.ofMinutes(5));
        assertEquals("users", JoinTokens.fromFile(key, "weft.local", clock).verify(t).service());
    }
}
