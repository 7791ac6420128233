package io.weft.sidecar.tls;

import io.grpc.ManagedChannel;
import io.weft.proto.v1.PlaintextCaller;
import io.weft.proto.v1.PlaintextReport;
import io.weft.proto.v1.SecurityReportServiceGrpc;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts the plaintext callers the inbound listener accepts (PERMISSIVE) and reports them to the
 * control plane every interval, so the security team can see who would break under STRICT. Sends
 * nothing when nothing was seen; keeps the counts for the next try when the control plane is away.
 */
public final class PlaintextReporter implements InboundObserver, AutoCloseable {
    private static final Logger LOG = System.getLogger(PlaintextReporter.class.getName());
    private static final int MAX_TRACKED = 1000;

    private record Seen(long connections, Instant last) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("weft-plaintext-report").factory());

    public PlaintextReporter(ManagedChannel controlPlane, Duration interval, Clock clock) {
        this.clock = clock;
        timer.scheduleWithFixedDelay(() -> flush(controlPlane), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void plaintextAccepted(String remoteAddress) {
        if (seen.size() < MAX_TRACKED || seen.containsKey(remoteAddress)) {
            Instant now = clock.instant();
            seen.merge(remoteAddress, new Seen(1, now), (a, b) -> new Seen(a.connections() + 1, now));
        }
    }

    private void flush(ManagedChannel channel) {
        if (seen.isEmpty()) {
            return;
        }
        Map<String, Seen> batch = Map.copyOf(seen);
        PlaintextReport.Builder r = PlaintextReport.newBuilder();
        batch.forEach((addr, s) -> r.addCallers(PlaintextCaller.newBuilder().setSourceAddress(addr)
                .setConnections(s.connections()).setLastSeenEpochSeconds(s.last().getEpochSecond())));
        try {
            SecurityReportServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).reportPlaintext(r.build());
            batch.forEach((addr, s) -> seen.computeIfPresent(addr, (k, now) -> now.connections() <= s.connections() ? null
                    : new Seen(now.connections() - s.connections(), now.last())));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "plaintext report not delivered (" + e.getMessage() + "); will retry");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
