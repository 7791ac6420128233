package io.weft.sidecar.listener;

import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ProtocolConfig;
import io.weft.sidecar.config.SnapshotHolder;
import java.util.Objects;

/**
 * Plugs {@link WebSocketTunnel} into Helidon's HTTP/1.1 upgrade mechanism: a listener that should
 * pass WebSocket upgrades through adds {@link #config} to its protocols; Helidon finds this provider
 * through the service loader and makes the tunnel from that config.
 */
public final class WebSocketTunnels implements Http1UpgradeProvider<WebSocketTunnels.Config> {
    static final String TYPE = "weft-websocket";

    /** The tunnel's config for one listener: the snapshots it routes with. */
    public record Config(SnapshotHolder snapshots, String listener) implements ProtocolConfig {
        public Config {
            Objects.requireNonNull(snapshots, "snapshots");
            Objects.requireNonNull(listener, "listener");
        }

        @Override
        public String name() {
            return listener;
        }

        @Override
        public String type() {
            return TYPE;
        }
    }

    public static Config config(SnapshotHolder snapshots, String listener) {
        return new Config(snapshots, listener);
    }

    @Override
    public String protocolType() {
        return TYPE;
    }

    @Override
    public Class<Config> protocolConfigType() {
        return Config.class;
    }

    @Override
    public Http1Upgrader create(Config config, ProtocolConfigs configs) {
        return new WebSocketTunnel(config.snapshots(), config.listener());
    }
}
