package io.weft.controlplane;

import io.weft.controlplane.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code weft control-plane --mesh DIR [--host H] [--xds-port N] [--admin-port N] [--admin-token-file F]}.
 * The admin token may also come from the {@code WEFT_ADMIN_TOKEN} environment variable (never from the
 * command line, where other users of the machine could read it).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Path mesh = null;
        String host = "127.0.0.1";
        int xdsPort = 15010;
        int adminPort = 15000;
        Duration grace = Duration.ofSeconds(10);
        java.util.Optional<String> token = java.util.Optional.ofNullable(System.getenv("WEFT_ADMIN_TOKEN"))
                .map(String::trim).filter(t -> !t.isEmpty());
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
                    case "--admin-token-file" -> token = java.util.Optional.of(readToken(require(a, v)));
                    case "-h", "--help" -> {
                        System.out.println("usage: control-plane --mesh DIR [--host 127.0.0.1] [--xds-port 15010] "
                                + "[--admin-port 15000] [--registration-grace 10s] [--admin-token-file FILE]\n"
                                + "  the admin token may also be set with WEFT_ADMIN_TOKEN; an admin port not on loopback "
                                + "requires one (generated and printed when not given)");
                        return;
                    }
                    default -> throw new IllegalArgumentException(a + ": unknown option (expected: --mesh, --host, "
                            + "--xds-port, --admin-port, --registration-grace, --admin-token-file)");
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
        ControlPlaneOptions options = new ControlPlaneOptions(mesh, host, xdsPort, adminPort, grace, Duration.ofMillis(20),
                token);
        ControlPlane cp;
        try {
            cp = ControlPlane.start(options);
        } catch (ConfigException e) {
            System.err.println("weft control-plane: invalid mesh config: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("weft control-plane: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "weft-shutdown"));
        System.out.println("weft control-plane ready: xds=" + host + ":" + cp.xdsPort() + " admin=http://" + host + ":"
                + cp.adminPort() + "/api/v1/proxies dashboard=http://" + host + ":" + cp.adminPort() + "/ui/");
        if (cp.adminAccess().generated()) {
            System.out.println("weft control-plane: the admin port is not on loopback, so it requires a token; generated one: "
                    + cp.adminAccess().token().orElseThrow() + " (set WEFT_ADMIN_TOKEN or --admin-token-file to choose it)");
        }
    }

    private static String readToken(String file) {
        try {
            String t = Files.readString(Path.of(file)).trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("--admin-token-file: " + file + " is empty (expected: the admin token)");
            }
            return t;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--admin-token-file: cannot read " + file + " (" + e.getMessage() + ")");
        }
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
