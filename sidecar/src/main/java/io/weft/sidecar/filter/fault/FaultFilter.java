package io.weft.sidecar.filter.fault;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.ResponseFlag;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Delays or aborts a configured share of requests; marks them DI / FI. */
final class FaultFilter implements HttpFilter {
    private final FaultConfig config;
    private final AtomicInteger active = new AtomicInteger();

    FaultFilter(FaultConfig config) {
        this.config = config;
    }

    @Override
    public void filter(Exchange exchange, FilterChain chain) {
        boolean delay = config.delay().isPresent() && hit(config.delay().get().perMillion());
        boolean abort = config.abort().isPresent() && hit(config.abort().get().perMillion());
        if (!delay && !abort) {
            chain.proceed();
            return;
        }
        if (config.maxActiveFaults().isPresent() && active.incrementAndGet() > config.maxActiveFaults().getAsInt()) {
            active.decrementAndGet();
            chain.proceed();
            return;
        }
        try {
            if (delay) {
                exchange.addFlag(ResponseFlag.DI);
                try {
                    Thread.sleep(config.delay().get().fixed());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (abort) {
                abort(exchange, config.abort().get());
                return;
            }
        } finally {
            if (config.maxActiveFaults().isPresent()) {
                active.decrementAndGet();
            }
        }
        chain.proceed();
    }

    private static void abort(Exchange exchange, FaultConfig.Abort a) {
        boolean grpc = exchange.header(HeaderNames.CONTENT_TYPE).map(v -> v.startsWith("application/grpc")).orElse(false);
        if (a.grpcStatus() >= 0 && (grpc || a.httpStatus() == 0)) {
            exchange.addFlag(ResponseFlag.FI);
            exchange.response().header(HeaderNames.CONTENT_TYPE, "application/grpc")
                    .header("grpc-status", String.valueOf(a.grpcStatus()))
                    .header("grpc-message", "fault filter abort");
            exchange.respond(Status.OK_200, new byte[0]);
            return;
        }
        exchange.respond(Status.create(a.httpStatus()), ResponseFlag.FI, "fault filter abort");
    }

    private static boolean hit(int perMillion) {
        return perMillion >= 1_000_000 || (perMillion > 0 && ThreadLocalRandom.current().nextInt(1_000_000) < perMillion);
    }
}
