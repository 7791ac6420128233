package io.weft.sidecar.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a request failed, from what every proxy it crossed remembers of it: the hops in arrival order
 * and the one where the failure started — the deepest hop that failed. A hop with a response flag
 * failed in the proxy itself; one without a flag passed on what its upstream (an app, or the next
 * proxy) answered. Pure.
 *
 * @param summary one or two sentences for a person
 * @param hops    one line per hop, in arrival order
 */
public record Diagnosis(String summary, List<String> hops) {
    private static final Map<String, String> FLAGS = Map.of(
            "NR", "no route matched",
            "UH", "no healthy upstream endpoint",
            "UF", "the upstream connection failed",
            "UT", "the upstream did not answer in time",
            "UR", "the upstream reset the connection mid-response",
            "NC", "the route names a cluster this proxy does not have",
            "NCF", "the proxy had no configuration yet");

    /**
     * @param id      the trace id or request id asked about
     * @param records what the proxies remember of it, in any order
     */
    public static Diagnosis explain(String id, List<RequestRecord> records) {
        if (records.isEmpty()) {
            return new Diagnosis("No proxy asked remembers a request with trace id or request id " + id
                    + " (each keeps its last " + ProxyTelemetry.RECENT + " requests; ask every proxy on the path).", List.of());
        }
        List<RequestRecord> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparing(RequestRecord::time));
        List<String> hops = ordered.stream().map(Diagnosis::hop).toList();
        RequestRecord first = ordered.get(0);
        RequestRecord origin = null;
        for (RequestRecord r : ordered) {
            if (r.failed()) {
                origin = r;
            }
        }
        String summary;
        if (origin == null) {
            summary = first.status() < 400
                    ? "The request succeeded: " + first.node() + " answered " + first.status() + "."
                    : "The request was answered " + first.status() + " by the app, not by a proxy failure; no hop failed with a 5xx or a response flag.";
        } else if (!origin.responseFlags().isEmpty()) {
            summary = origin.node() + " (" + origin.listener() + ") answered " + origin.status() + " itself with response flag "
                    + origin.responseFlags() + ": " + FLAGS.getOrDefault(origin.responseFlags(), "see docs/observability.md")
                    + (origin.detail().isEmpty() ? "" : " (" + origin.detail() + ")")
                    + (origin.cluster().isEmpty() ? "" : "; route " + origin.route() + ", cluster " + origin.cluster()) + ".";
        } else {
            summary = "The upstream of " + origin.node() + " (" + origin.listener() + ", cluster " + origin.cluster()
                    + ", endpoint " + origin.upstream() + ") answered " + origin.status()
                    + "; no proxy failed itself, the hops above passed that answer on.";
        }
        if (origin != null && origin != first) {
            summary += " The caller got " + first.status() + " from " + first.node() + ".";
        }
        return new Diagnosis(summary, hops);
    }

    private static String hop(RequestRecord r) {
        return String.format(Locale.ROOT, "%s %-14s %-13s %s %s%s route=%s cluster=%s upstream=%s -> %d%s %.1fms%s",
                r.time(), r.node(), r.listener(), r.method(), r.authority(), r.path(), dash(r.route()), dash(r.cluster()),
                dash(r.upstream()), r.status(), r.responseFlags().isEmpty() ? "" : " " + r.responseFlags(),
                r.durationMicros() / 1000.0, r.attempts() > 1 ? " attempts=" + r.attempts() : "");
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
