package io.weft.examples.common;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The example apps' flags: {@code --port N}, {@code --version V}, {@code --outbound-port N}. */
public record AppArgs(int port, String version, int outboundPort) {
    private static final Set<String> FLAGS = Set.of("--port", "--version", "--outbound-port");

    public static AppArgs parse(String app, String[] args, int defaultPort) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!FLAGS.contains(args[i]) || i + 1 >= args.length) {
                System.err.println(app + ": " + args[i] + ": unknown flag or missing value (expected: " + FLAGS + ")");
                System.exit(2);
            }
            v.put(args[i], args[++i]);
        }
        try {
            return new AppArgs(Integer.parseInt(v.getOrDefault("--port", "" + defaultPort)), v.getOrDefault("--version", "v1"),
                    Integer.parseInt(v.getOrDefault("--outbound-port", "15001")));
        } catch (NumberFormatException e) {
            System.err.println(app + ": " + e.getMessage() + " (expected: a port number)");
            System.exit(2);
            throw e;
        }
    }
}
