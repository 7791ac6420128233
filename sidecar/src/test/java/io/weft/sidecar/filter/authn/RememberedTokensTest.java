package io.weft.sidecar.filter.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.proto.v1.AuthRequirement;
import io.weft.testing.MutableClock;
import io.weft.sidecar.testing.Backend;
import io.weft.sidecar.testing.EdgeFixture;
import io.weft.sidecar.testing.RawHttp;
import java.time.Duration;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** A verified token is remembered for speed, but never past its expiry. */
class RememberedTokensTest {
    @Test
    void aRememberedTokenIsStillRefusedOnceItExpires() throws Exception {
        MutableClock clock = new MutableClock(AuthnFilterTest.NOW);
        try (Backend app = Backend.echo("app"); EdgeFixture edge = EdgeFixture.start(clock).cluster("app", app.port())) {
            edge.routes(EdgeFixture.route("any", "/", "app", AuthnFilterTest.authn(AuthRequirement.newBuilder()
                    .setMode(AuthRequirement.Mode.AUTHENTICATED)))).awaitRouted("/probe");
            String token = AuthnFilterTest.rs256(AuthnFilterTest.claims()
                    .expirationTime(Date.from(AuthnFilterTest.NOW.plusSeconds(40))).build());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, edge.get("/x", "authorization", "Bearer " + token).status());
            }
            clock.advance(Duration.ofSeconds(40 + 31)); // past exp and the 30s skew, within the 60s memory
            RawHttp.Response r = edge.get("/x", "authorization", "Bearer " + token);
            assertEquals(401, r.status());
            assertTrue(r.body().contains("xpired"), r.body());
        }
    }
}
