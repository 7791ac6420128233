package io.weft.sidecar.bootstrap;

import io.weft.proto.identity.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command-line flags that join a proxy to a mesh with a CA: {@code --ca-address HOST:PORT}
 * (the control plane's TLS port), {@code --trust-bundle FILE} (the CA root, PEM), {@code --join-token
 * TOKEN} or {@code --join-token-file FILE}, and optionally {@code --trust-domain} (default
 * weft.local) and {@code --cert-ttl} (e.g. 24h). Either all of the first three or none.
 */
public final class SecurityFlags {
    /** What was read, and the flags left for {@link BootstrapLoader}. */
    public record Parsed(Optional<SecurityBootstrap> security, List<String> rest) {
    }

    private SecurityFlags() {
    }

    public static Parsed extract(List<String> args) {
        List<String> rest = new ArrayList<>();
        String address = null;
        String bundleFile = null;
        String token = null;
        String trustDomain = "weft.local";
        Duration ttl = Duration.ZERO;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (a) {
                case "--ca-address" -> address = value(a, v);
                case "--trust-bundle" -> bundleFile = value(a, v);
                case "--join-token" -> token = value(a, v);
                case "--join-token-file" -> token = read(a, value(a, v)).strip();
                case "--trust-domain" -> trustDomain = value(a, v);
                case "--cert-ttl" -> ttl = parseTtl(value(a, v));
                default -> {
                    rest.add(a);
                    continue;
                }
            }
            i++;
        }
        if (address == null && bundleFile == null && token == null) {
            return new Parsed(Optional.empty(), rest);
        }
        if (address == null || bundleFile == null || token == null) {
            throw new IllegalArgumentException("--ca-address, --trust-bundle and --join-token(-file): only some given"
                    + " (expected: all three to join a mesh with a CA, or none)");
        }
        List<java.security.cert.X509Certificate> bundle;
        try {
            bundle = Pem.parseCertificates(read("--trust-bundle", bundleFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trust-bundle " + bundleFile + ": " + e.getMessage());
        }
        return new Parsed(Optional.of(new SecurityBootstrap(address, trustDomain, bundle, token, ttl, Duration.ofSeconds(10))), rest);
    }

    private static Duration parseTtl(String v) {
        if (!v.matches("\\d+[smh]")) {
            throw new IllegalArgumentException("--cert-ttl: \"" + v + "\" (expected: a duration such as 24h)");
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static String value(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + ": missing value");
        }
        return v;
    }

    private static String read(String flag, String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
