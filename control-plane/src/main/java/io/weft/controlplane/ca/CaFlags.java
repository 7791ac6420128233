package io.weft.controlplane.ca;

import io.weft.controlplane.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control plane's CA flags: {@code --ca} (root in memory), {@code --ca-dir DIR} (root generated
 * once and persisted there), {@code --ca-cert FILE --ca-key FILE} (an operator's root),
 * {@code --secure-port N} (default 15012) and {@code --workload-ttl 24h}. Without any of the first
 * three the control plane runs without a CA, as before.
 */
public final class CaFlags {
    public static final String USAGE = "  CA: --ca | --ca-dir DIR | --ca-cert FILE --ca-key FILE  [--secure-port 15012] [--workload-ttl 24h]";

    /** What was read, and the other arguments. */
    public record Parsed(Optional<CaOptions> ca, String[] rest) {
    }

    private CaFlags() {
    }

    /** @throws IllegalArgumentException naming the flag and the expectation */
    public static Parsed extract(String[] args) {
        List<String> rest = new ArrayList<>();
        boolean on = false;
        Optional<Path> dir = Optional.empty();
        Optional<Path> cert = Optional.empty();
        Optional<Path> key = Optional.empty();
        int port = 15012;
        Duration ttl = Duration.ofHours(24);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--ca" -> {
                    on = true;
                    continue;
                }
                case "--ca-dir" -> dir = Optional.of(Path.of(value(a, v)));
                case "--ca-cert" -> cert = Optional.of(Path.of(value(a, v)));
                case "--ca-key" -> key = Optional.of(Path.of(value(a, v)));
                case "--secure-port" -> port = port(value(a, v));
                case "--workload-ttl" -> ttl = Durations.parse(value(a, v)).filter(d -> !d.isNegative())
                        .orElseThrow(() -> new IllegalArgumentException("--workload-ttl: \"" + v + "\" (expected: a duration such as 24h)"));
                default -> {
                    rest.add(a);
                    continue;
                }
            }
            i++;
        }
        on = on || dir.isPresent() || cert.isPresent() || key.isPresent();
        if (!on) {
            return new Parsed(Optional.empty(), rest.toArray(String[]::new));
        }
        Duration max = ttl.compareTo(Duration.ofDays(7)) > 0 ? ttl : Duration.ofDays(7);
        return new Parsed(Optional.of(new CaOptions(dir, cert, key, ttl, max, port)), rest.toArray(String[]::new));
    }

    private static String value(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + ": missing value");
        }
        return v;
    }

    private static int port(String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--secure-port: \"" + v + "\" (expected: a port from 0 to 65535)");
    }
}
