package io.weft.examples.bench;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ca.CaOptions;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.tls.InboundObserver;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.tls.MtlsMode;
import io.weft.sidecar.tls.WorkloadIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A sidecar inbound listener (the real TLS stack: Helidon + Weft's detecting SSL context, STRICT
 * mTLS) with certificates from the real CA, for scanners such as testssl.sh. Writes a client
 * certificate + key PEM the scanner can present ({@code --mtls}), prints the port, runs until killed.
 *
 * <p>{@code ./weft java io.weft.examples.bench.TlsTarget OUT_DIR}
 */
public final class TlsTarget {
    private TlsTarget() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/tls-check");
        Files.createDirectories(out);
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.open("weft.local", CaOptions.inMemory(), clock);
        WorkloadIdentity server = identity(ca, "users", clock);
        WorkloadIdentity scanner = identity(ca, "scanner", clock);
        Files.writeString(out.resolve("client.pem"), Pem.certificates(scanner.current().chain()) + Pem.privateKey(scanner.current().key()));
        Files.writeString(out.resolve("ca.pem"), Pem.certificates(ca.trustBundle()));
        MeshTls tls = new MeshTls("weft.local", server::current, clock);
        WebServer ws = tls.configureInbound(WebServer.builder().host("127.0.0.1").port(0), () -> MtlsMode.STRICT,
                new InboundObserver() { }).routing(r -> r.any((req, res) -> res.send("ok"))).build().start();
        System.out.println("port=" + ws.port());
        Thread.currentThread().join();
    }

    private static WorkloadIdentity identity(CertificateAuthority ca, String service, Clock clock) throws InterruptedException {
        SpiffeId id = SpiffeId.of("weft.local", "default", service);
        return WorkloadIdentity.obtain(id, (csr, cur) -> new WorkloadIdentity.Signed(ca.sign(csr, id, Duration.ZERO),
                ca.trustBundle()), clock, Duration.ofSeconds(10));
    }
}
