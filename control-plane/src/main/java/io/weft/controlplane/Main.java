package io.weft.controlplane;

import io.weft.controlplane.ca.CaFlags;
import io.weft.controlplane.config.ConfigException;
import io.weft.controlplane.config.Durations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code weft control-plane --mesh DIR [--host H] [--xds-port N] [--admin-port N] [--registration-grace D]
 * [--warm-up D] [--consul URL [--consul-kv PREFIX]] [--admin-token-file F]}. The admin token may also come
 * from the {@code WEFT_ADMIN_TOKEN} environment variable (never from the command line, where other
 * users of the machine could read it).
 */
public final class Main {
    static final String USAGE = "usage: control-plane --mesh DIR [--host 127.0.0.1] [--xds-port 15010] [--admin-port 15000]\n"
            + "                     [--registration-grace 10s] [--warm-up 15s]\n"
            + "                     [--consul http://127.0.0.1:8500 [--consul-kv weft/mesh] [--consul-wait 30s]]\n"
            + "                     [--admin-token-file FILE]\n"
            + "  --consul     take endpoints from the Consul catalog (passing instances of each mesh service)\n"
            + "  --consul-kv  keep the mesh YAML in Consul KV under this prefix (seeded from --mesh when empty)\n"
            + "  --admin-token-file  the token the admin API and dashboard require (or set WEFT_ADMIN_TOKEN); an admin\n"
            + "               port not on loopback always requires one, generated and printed when not given";

    private Main() {
    }

    public static void main(String[] args) {
        ControlPlaneOptions options;
        CaFlags.Parsed ca;
        try {
            ca = CaFlags.extract(args);
            options = parse(ca.rest());
        } catch (IllegalArgumentException e) {
            System.err.println("weft control-plane: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(USAGE + "\n" + CaFlags.USAGE);
            return;
        }
        ControlPlane cp;
        try {
            cp = ControlPlane.start(options, ca.ca());
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
        System.out.println("weft control-plane ready: xds=" + options.host() + ":" + cp.xdsPort() + " admin=http://"
                + options.host() + ":" + cp.adminPort() + "/api/v1/proxies dashboard=http://" + options.host() + ":"
                + cp.adminPort() + "/ui/"
                + cp.security().map(sec -> " secure=" + options.host() + ":" + sec.endpoint().port() + " (CA, mTLS ADS)").orElse(""));
        if (cp.adminAccess().generated()) {
            System.out.println("weft control-plane: the admin port is not on loopback, so it requires a token; generated one: "
                    + cp.adminAccess().token().orElseThrow() + " (set WEFT_ADMIN_TOKEN or --admin-token-file to choose it)");
        }
    }

    /** The options, or null for --help. */
    static ControlPlaneOptions parse(String[] args) {
        Optional<Path> mesh = Optional.empty();
        String host = "127.0.0.1";
        int xdsPort = 15010;
        int adminPort = 15000;
        Duration grace = Duration.ofSeconds(10);
        Duration warmUp = Duration.ofSeconds(15); // longer than a sidecar's longest reconnect backoff (10s)
        Optional<URI> consul = Optional.empty();
        Optional<String> kv = Optional.empty();
        Duration consulWait = Duration.ofSeconds(30);
        Optional<String> token = Optional.ofNullable(System.getenv("WEFT_ADMIN_TOKEN")).map(String::trim)
                .filter(t -> !t.isEmpty());
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--mesh" -> mesh = Optional.of(Path.of(require(a, v)));
                case "--host" -> host = require(a, v);
                case "--xds-port" -> xdsPort = port(a, require(a, v));
                case "--admin-port" -> adminPort = port(a, require(a, v));
                case "--registration-grace" -> grace = duration(a, require(a, v));
                case "--warm-up" -> warmUp = duration(a, require(a, v));
                case "--consul" -> consul = Optional.of(uri(a, require(a, v)));
                case "--consul-kv" -> kv = Optional.of(require(a, v));
                case "--consul-wait" -> consulWait = duration(a, require(a, v));
                case "--admin-token-file" -> token = Optional.of(readToken(require(a, v)));
                case "-h", "--help" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException(a + ": unknown option (expected: --mesh, --host, "
                        + "--xds-port, --admin-port, --registration-grace, --warm-up, --consul, --consul-kv, --consul-wait, --admin-token-file)");
            }
            i++;
        }
        if (kv.isPresent() && consul.isEmpty()) {
            throw new IllegalArgumentException("--consul-kv: needs --consul (expected: the Consul address too)");
        }
        if (mesh.isEmpty() && kv.isEmpty()) {
            throw new IllegalArgumentException("--mesh: missing (expected: the mesh YAML directory or file)");
        }
        if (mesh.isPresent() && !Files.exists(mesh.get())) {
            throw new IllegalArgumentException("--mesh: " + mesh.get() + " does not exist (expected: a directory or a YAML file)");
        }
        Optional<String> prefix = kv;
        Duration wait = consulWait;
        Optional<ControlPlaneOptions.Consul> c = consul.map(u -> new ControlPlaneOptions.Consul(u, prefix, wait));
        return new ControlPlaneOptions(mesh, host, xdsPort, adminPort, grace, Duration.ofMillis(20), warmUp, c, token);
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

    private static Duration duration(String option, String value) {
        return Durations.parse(value).filter(d -> !d.isNegative())
                .orElseThrow(() -> new IllegalArgumentException(option + ": \"" + value + "\" (expected: a duration such as 10s)"));
    }

    private static URI uri(String option, String value) {
        try {
            URI u = URI.create(value);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + ": \"" + value + "\" (expected: an http(s) URL such as http://127.0.0.1:8500)");
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
