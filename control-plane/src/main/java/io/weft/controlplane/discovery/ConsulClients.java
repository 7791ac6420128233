package io.weft.controlplane.discovery;

import java.net.URI;
import java.time.Duration;
import org.kiwiproject.consul.Consul;

/** Builds Consul clients whose read timeout outlasts a blocking query. */
public final class ConsulClients {
    private ConsulClients() {
    }

    /**
     * @param address   the Consul HTTP API, e.g. {@code http://127.0.0.1:8500}
     * @param blockWait how long a blocking query may wait; the read timeout adds a margin (Consul adds up to 1/16 jitter)
     */
    public static Consul create(URI address, Duration blockWait) {
        return Consul.builder()
                .withUrl(address.toString())
                .withPing(false)
                .withConnectTimeoutMillis(2_000)
                .withReadTimeoutMillis(blockWait.toMillis() + blockWait.toMillis() / 8 + 5_000)
                .build();
    }

    /** Seconds for Consul's {@code wait} parameter: at least 1. */
    static int waitSeconds(Duration blockWait) {
        return (int) Math.max(1, blockWait.toSeconds());
    }
}
