package io.weft.sidecar.listener;

import io.weft.sidecar.filter.Exchange;

/**
 * Receives every finished exchange. Called on the request's virtual thread after the response was
 * sent; implementations must be thread-safe and must not block for long. The default writes one line
 * for every response the proxy itself shaped (it carries a response flag), so an SRE can tell why.
 */
@FunctionalInterface
public interface AccessLog {
    void log(Exchange exchange);

    /** Writes flagged exchanges as one line each to the {@code io.weft.sidecar.access} logger. */
    static AccessLog flagged() {
        System.Logger logger = System.getLogger("io.weft.sidecar.access");
        return ex -> {
            if (!ex.flags().isEmpty()) {
                logger.log(System.Logger.Level.INFO, line(ex));
            }
        };
    }

    /** One access-log line: method, authority, path, status, flags, route, cluster, upstream, attempts, ms, id. */
    static String line(Exchange ex) {
        long micros = (System.nanoTime() - ex.startNanos()) / 1000;
        StringBuilder sb = new StringBuilder(160)
                .append('"').append(ex.method()).append(' ').append(ex.authority()).append(ex.path()).append("\" ")
                .append(ex.status()).append(' ').append(ex.flags().isEmpty() ? "-" : ex.flags())
                .append(" listener=").append(ex.listener())
                .append(" route=").append(ex.route().isEmpty() ? "-" : ex.route())
                .append(" cluster=").append(ex.cluster().isEmpty() ? "-" : ex.cluster())
                .append(" upstream=").append(ex.upstreamHost().isEmpty() ? "-" : ex.upstreamHost())
                .append(" attempts=").append(ex.attempts())
                .append(" duration_ms=").append(micros / 1000).append('.').append(micros / 100 % 10)
                .append(" request_id=").append(ex.requestId());
        ex.notes().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
