package io.weft.controlplane;

import io.weft.controlplane.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code weft control-plane --mesh DIR [--host H] [--xds-port N] [--admin-port N]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Path mesh = null;
        String host = "127.0.0.1";
        int xdsPort = 15010;
        int adminPort = 15000;
        Duration grace = Duration.ofSeconds(10);
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--mesh" -> mesh = Path.of(require(a, v));
                    case "--host" -> host = require(a, v);
                    case "--xds-port" -> xdsPort = port(a, require(a, v));
                    case "--admin-port" -> adminPort = port(a, require(a, v));
                    case "--registration-grace" -> grace = io.weft.controlplane.config.Durations.parse(require(a, v))
                            .orElseThrow(() -> new IllegalArgumentException("--registration-grace: \"" + v
                                    + "\" (expected: a duration such as 10s)"));
                    case "-h", "--help" -> {
                        System.out.println("usage: control-plane --mesh DIR [--host 127.0.0.1] [--xds-port 15010] "
                                + "[--admin-port 15000] [--registration-grace 10s]");
                        return;
                    }
                    default -> throw new IllegalArgumentException(a + ": unknown option (expected: --mesh, --host, "
                            + "--xds-port, --admin-port, --registration-grace)");
                }
                i++;
            }
            if (mesh == null) {
                throw new IllegalArgumentException("--mesh: missing (expected: the mesh YAML directory or file)");
            }
            if (!Files.exists(mesh)) {
                throw new IllegalArgumentException("--mesh: " + mesh + " does not exist (expected: a directory or a YAML file)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("weft control-plane: " + e.getMessage());
            System.exit(2);
            return;
        }
        ControlPlaneOptions options = new ControlPlaneOptions(mesh, host, xdsPort, adminPort, grace, Duration.ofMillis(20));
        ControlPlane cp;
        try {
            cp = ControlPlane.start(options);
        } catch (ConfigException e) {
            System.err.println("weft control-plane: invalid mesh config: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "weft-shutdown"));
        System.out.println("weft control-plane ready: xds=" + host + ":" + cp.xdsPort() + " admin=http://" + host + ":"
                + cp.adminPort() + "/api/v1/proxies");
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return value;
    }

    private static int port(String option, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + ": \"" + value + "\" (expected: a port from 0 to 65535)");
    }
}
