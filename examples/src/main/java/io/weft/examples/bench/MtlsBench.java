package io.weft.examples.bench;

import io.helidon.webserver.WebServer;
import io.weft.controlplane.ca.CaOptions;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.identity.TlsDefaults;
import io.weft.sidecar.tls.InboundObserver;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.tls.MtlsMode;
import io.weft.sidecar.tls.WorkloadIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * mTLS cost at the sidecar's inbound listener, side by side in one run: handshakes per second
 * (full and resumed; per CPU-second of this process, which runs both ends) and requests per second
 * on pooled keep-alive connections, mTLS versus plaintext. The listener is the real one (Helidon
 * WebServer with Weft's detecting SSL context, STRICT and DISABLE); certificates come from the real CA.
 *
 * <p>{@code ./weft java io.weft.examples.bench.MtlsBench [seconds-per-case=5] [threads=4] [body-bytes=1024]}
 */
public final class MtlsBench {
    private MtlsBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int bodyBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.open("weft.local", CaOptions.inMemory(), clock);
        WorkloadIdentity server = identity(ca, "users", clock);
        WorkloadIdentity client = identity(ca, "orders", clock);
        MeshTls serverTls = new MeshTls("weft.local", server::current, clock);
        MeshTls clientTls = new MeshTls("weft.local", client::current, clock);
        byte[] body = new byte[bodyBytes];
        java.util.Arrays.fill(body, (byte) 'x');
        WebServer mtls = serverTls.configureInbound(WebServer.builder().host("127.0.0.1").port(0), () -> MtlsMode.STRICT,
                new InboundObserver() { }).routing(r -> r.any((req, res) -> res.send(body))).build().start();
        WebServer plain = WebServer.builder().host("127.0.0.1").port(0).useNio(false)
                .routing(r -> r.any((req, res) -> res.send(body))).build().start();
        SSLContext ctx = clientTls.clientContext(Set.of(SpiffeId.of("weft.local", "default", "users")));
        Duration d = Duration.ofSeconds(seconds);
        System.out.printf("Weft mTLS benchmark: %d s per case, %d client threads, %d-byte responses, %d cores, %s%n",
                seconds, threads, bodyBytes, Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println("TLS: " + TlsDefaults.PROTOCOLS + ", ECDSA P-256 certificates from the Weft CA; client and server in this JVM");
        warmup(ctx, mtls.port(), plain.port());
        System.out.printf("%-44s %12s %16s%n", "case", "per second", "per CPU-second");
        report("new connection + 1 request, plaintext", run(threads, d, () -> connectAndGet(null, plain.port(), false)));
        report("new connection + 1 request, mTLS full handshake", run(threads, d, () -> connectAndGet(ctx, mtls.port(), true)));
        report("new connection + 1 request, mTLS resumed", run(threads, d, () -> connectAndGet(ctx, mtls.port(), false)));
        Result p = run(threads, d, pooled(null, plain.port()));
        Result t = run(threads, d, pooled(ctx, mtls.port()));
        report("pooled keep-alive requests, plaintext", p);
        report("pooled keep-alive requests, mTLS", t);
        System.out.printf("%nPooled connections, mTLS vs plaintext: requests/s x%.2f, CPU per request %+.1f%%%n",
                t.perSecond() / p.perSecond(), 100.0 * (p.perCpuSecond() / t.perCpuSecond() - 1));
        mtls.stop();
        plain.stop();
        server.close();
        client.close();
    }

    private static WorkloadIdentity identity(CertificateAuthority ca, String service, Clock clock) throws InterruptedException {
        SpiffeId id = SpiffeId.of("weft.local", "default", service);
        return WorkloadIdentity.obtain(id, (csr, cur) -> new WorkloadIdentity.Signed(ca.sign(csr, id, Duration.ZERO),
                ca.trustBundle()), clock, Duration.ofSeconds(10));
    }

    record Result(long ops, double seconds, double cpuSeconds) {
        double perSecond() {
            return ops / seconds;
        }

        double perCpuSecond() {
            return ops / cpuSeconds;
        }
    }

    @FunctionalInterface
    interface Op {
        void run() throws IOException;
    }

    /** Each thread repeats its own op (made once per thread) until the time is up. */
    private static Result run(int threads, Duration d, java.util.function.Supplier<Op> perThread) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long end = t0 + d.toNanos();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                Op op = perThread.get();
                while (System.nanoTime() < end) {
                    try {
                        op.run();
                        ops.incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        if (errors.get() > 0) {
            System.out.println("  (" + errors.get() + " errors)");
        }
        return new Result(ops.get(), secs, cpu);
    }

    private static java.util.function.Supplier<Op> run(Op op) {
        return () -> op;
    }

    private static Result run(int threads, Duration d, Op op) throws InterruptedException {
        return run(threads, d, run(op));
    }

    private static void report(String name, Result r) {
        System.out.printf("%-44s %12.0f %16.0f%n", name, r.perSecond(), r.perCpuSecond());
    }

    private static void warmup(SSLContext ctx, int tlsPort, int plainPort) throws Exception {
        run(2, Duration.ofSeconds(2), () -> connectAndGet(ctx, tlsPort, true));
        run(2, Duration.ofSeconds(1), () -> connectAndGet(null, plainPort, false));
        run(2, Duration.ofSeconds(1), pooled(ctx, tlsPort));
    }

    private static java.util.function.Supplier<Op> pooled(SSLContext ctx, int port) {
        return () -> {
            Socket[] s = new Socket[1];
            InputStream[] in = new InputStream[1];
            return () -> {
                if (s[0] == null || s[0].isClosed()) {
                    s[0] = open(ctx, port);
                    in[0] = new java.io.BufferedInputStream(s[0].getInputStream());
                }
                get(s[0], in[0], true);
            };
        };
    }

    private static void connectAndGet(SSLContext ctx, int port, boolean full) throws IOException {
        try (Socket s = open(ctx, port)) {
            get(s, new java.io.BufferedInputStream(s.getInputStream()), false);
            if (full && s instanceof SSLSocket ssl) {
                ssl.getSession().invalidate(); // the next connection cannot resume this session
            }
        }
    }

    private static Socket open(SSLContext ctx, int port) throws IOException {
        if (ctx == null) {
            Socket s = new Socket("127.0.0.1", port);
            s.setTcpNoDelay(true);
            return s;
        }
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSSLParameters(TlsDefaults.parameters(false, List.of("http/1.1")));
        s.startHandshake();
        return s;
    }

    /** One request; {@code in} is buffered for both kinds of socket, so the comparison is fair. */
    private static void get(Socket s, InputStream in, boolean keepAlive) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: users\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.append((char) b);
        }
        int len = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(len);
    }
}
