package io.weft.examples.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk and reads what benchmarks report: requests per second and latency percentiles. */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private Wrk() {
    }

    /**
     * One wrk run's figures.
     *
     * @param p50Millis median latency
     * @param p99Millis 99th percentile latency
     */
    record Result(double rps, double p50Millis, double p99Millis) {
    }

    /**
     * Runs {@code wrk --latency} against {@code url} with the given request headers ({@code "Name: value"}).
     *
     * @throws IllegalStateException when wrk fails or sees a non-2xx answer or a socket error
     */
    static Result run(String url, int threads, int connections, int seconds, String... headers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "--latency", "-t" + threads, "-c" + connections, "-d" + seconds + "s"));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> out.append(l).append('\n'));
        }
        String text = out.toString();
        if (p.waitFor() != 0 || text.contains("Non-2xx") || text.contains("Socket errors")) {
            throw new IllegalStateException("wrk failed or saw errors:\n" + text);
        }
        Matcher m = RPS.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output:\n" + text);
        }
        return new Result(Double.parseDouble(m.group(1)), percentile(text, "50%"), percentile(text, "99%"));
    }

    /** A line of wrk's latency distribution, such as {@code 99%    3.21ms}, in milliseconds. */
    private static double percentile(String text, String which) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + which + " latency in wrk output:\n" + text);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            default -> v * 1000;
        };
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
