package io.weft.sidecar.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge's TLS flags: what they turn into, and mistakes named with the flag and the expectation. */
class EdgeTlsFlagsTest {
    static Bootstrap edge(String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("--service", "edge"));
        args.addAll(List.of(flags));
        return BootstrapLoader.load(Bootstrap.Mode.EDGE, args);
    }

    @Test
    void certificatesRedirectPortAndHstsAreRead() {
        EdgeTls tls = edge("--tls", "/etc/weft/shop.pem:/etc/weft/shop.key,/etc/weft/api.pem:/etc/weft/api.key",
                "--http-port", "8080", "--hsts-max-age", "180d").edgeTls().orElseThrow();
        assertEquals(List.of(new EdgeTls.CertificateFiles(Path.of("/etc/weft/shop.pem"), Path.of("/etc/weft/shop.key")),
                new EdgeTls.CertificateFiles(Path.of("/etc/weft/api.pem"), Path.of("/etc/weft/api.key"))), tls.certificates());
        assertEquals(8080, tls.httpPort());
        assertEquals(Duration.ofDays(180), tls.hstsMaxAge());
        assertEquals(EdgeTls.DEFAULT_RELOAD, tls.reloadInterval());
        EdgeTls defaults = edge("--tls", "a.pem:a.key").edgeTls().orElseThrow();
        assertEquals(-1, defaults.httpPort(), "no redirect port unless asked for");
        assertEquals(EdgeTls.DEFAULT_HSTS, defaults.hstsMaxAge());
        assertTrue(edge().edgeTls().isEmpty());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("--tls: \"shop.pem\" (expected: cert.pem:key.pem, pairs separated by commas)",
                assertThrows(IllegalArgumentException.class, () -> edge("--tls", "shop.pem")).getMessage());
        assertEquals("--http-port: set without --tls (expected: --tls cert.pem:key.pem)",
                assertThrows(IllegalArgumentException.class, () -> edge("--http-port", "80")).getMessage());
        assertEquals("--hsts-max-age: \"a year\" (expected: a duration like 500ms, 15s, 2m, 1h or 365d)",
                assertThrows(IllegalArgumentException.class, () -> edge("--tls", "a:b", "--hsts-max-age", "a year")).getMessage());
        assertEquals("--tls: on a sidecar (expected: only in edge mode)", assertThrows(IllegalArgumentException.class,
                () -> BootstrapLoader.load(Bootstrap.Mode.SIDECAR, List.of("--service", "s", "--app-port", "1", "--tls", "a:b")))
                .getMessage());
    }
}
