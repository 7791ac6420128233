package io.weft.controlplane.xds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far one pushed mesh version got.
 *
 * @param meshVersion   the mesh state version
 * @param cause         what changed: "config" (with its source) or "endpoints"
 * @param started       when it was pushed
 * @param proxies       how many proxies it changed something for
 * @param converged     how many of them ACKed every changed type
 * @param waiting       node ids still to ACK
 * @param nacked        node id → the error of its NACK (it keeps its previous config)
 * @param gone          node ids that disconnected before ACKing
 * @param convergedIn   from push to the last ACK, once nobody is waiting
 */
public record RolloutStatus(long meshVersion, String cause, Instant started, int proxies, int converged,
                            List<String> waiting, Map<String, String> nacked, List<String> gone,
                            Optional<Duration> convergedIn) {
}
