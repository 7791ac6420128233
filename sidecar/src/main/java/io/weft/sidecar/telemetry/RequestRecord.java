package io.weft.sidecar.telemetry;

import java.time.Instant;

/**
 * One finished request as one proxy saw it: what the access log writes and the ring of recent
 * requests keeps. Strings are empty (never null) when a value does not apply.
 *
 * @param time             when the request arrived
 * @param traceId          W3C trace id (32 hex digits)
 * @param spanId           this proxy's server span id
 * @param requestId        the {@code x-request-id} it carried or was given
 * @param node             the proxy's node id
 * @param listener         weft.inbound, weft.outbound or weft.edge
 * @param route            the matched route's name
 * @param cluster          the cluster it was sent to
 * @param upstream         the endpoint of the last attempt, host:port
 * @param status           the status sent downstream
 * @param responseFlags    why the proxy answered itself (NR, UH, UF, UT, ...), or empty
 * @param detail           the proxy's own explanation when it answered itself
 * @param durationMicros   from arrival to the last byte sent
 * @param upstreamMicros   time spent in upstream attempts
 * @param attempts         upstream attempts made (retries are attempts after the first)
 * @param downstreamPeer   the caller's address
 * @param peerIdentity     the caller's SPIFFE id, when it presented a certificate
 */
public record RequestRecord(Instant time, String traceId, String spanId, String requestId, String node,
                            String listener, String method, String authority, String path, String route,
                            String cluster, String upstream, int status, String responseFlags, String detail,
                            long bytesReceived, long bytesSent, long durationMicros, long upstreamMicros,
                            int attempts, String downstreamPeer, String peerIdentity) {

    /** A 5xx, or any answer the proxy made itself (a response flag). */
    public boolean failed() {
        return status >= 500 || !responseFlags.isEmpty();
    }

    /** Logged whatever the success sampling says: status 400 and up, or a response flag. */
    public boolean alwaysLogged() {
        return status >= 400 || !responseFlags.isEmpty();
    }
}
