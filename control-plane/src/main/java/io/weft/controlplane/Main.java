package io.weft.controlplane;

import io.weft.controlplane.ca.CaOptions;
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
        boolean ca = false;
        java.util.Optional<Path> caDir = java.util.Optional.empty();
        java.util.Optional<Path> caCert = java.util.Optional.empty();
        java.util.Optional<Path> caKey = java.util.Optional.empty();
        int securePort = 15012;
        Duration workloadTtl = Duration.ofHours(24);
        CaOptions caOptions;
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
                    case "--ca" -> {
                        ca = true;
                        i--; // a flag without a value
                    }
                    case "--ca-dir" -> {
                        ca = true;
                        caDir = java.util.Optional.of(Path.of(require(a, v)));
                    }
                    case "--ca-cert" -> {
                        ca = true;
                        caCert = java.util.Optional.of(Path.of(require(a, v)));
                    }
                    case "--ca-key" -> caKey = java.util.Optional.of(Path.of(require(a, v)));
                    case "--secure-port" -> securePort = port(a, require(a, v));
                    case "--workload-ttl" -> workloadTtl = io.weft.controlplane.config.Durations.parse(require(a, v))
                            .orElseThrow(() -> new IllegalArgumentException("--workload-ttl: \"" + v
                                    + "\" (expected: a duration such as 24h)"));
                    case "-h", "--help" -> {
                        System.out.println("usage: control-plane --mesh DIR [--host 127.0.0.1] [--xds-port 15010] "
                                + "[--admin-port 15000] [--registration-grace 10s]\n"
                                + "         CA: --ca (in-memory root) | --ca-dir DIR (root persisted there) | --ca-cert F --ca-key F\n"
                                + "             [--secure-port 15012] [--workload-ttl 24h]");
                        return;
                    }
                    default -> throw new IllegalArgumentException(a + ": unknown option (expected: --mesh, --host, "
                            + "--xds-port, --admin-port, --registration-grace, --ca, --ca-dir, --ca-cert, --ca-key, --secure-port, --workload-ttl)");
                }
                i++;
            }
            caOptions = new CaOptions(caDir, caCert, caKey, workloadTtl, workloadTtl.compareTo(Duration.ofDays(7)) > 0
                    ? workloadTtl : Duration.ofDays(7), securePort);
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
            cp = ControlPlane.start(options, ca ? java.util.Optional.of(caOptions) : java.util.Optional.empty());
        } catch (ConfigException e) {
            System.err.println("weft control-plane: invalid mesh config: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "weft-shutdown"));
        String bound = host;
        System.out.println("weft control-plane ready: xds=" + host + ":" + cp.xdsPort() + " admin=http://" + host + ":"
                + cp.adminPort() + "/api/v1/proxies"
                + cp.security().map( sec -> " secure=" + bound + ":" + sec.endpoint().port() + " (CA, mTLS ADS)").orElse(""));
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
