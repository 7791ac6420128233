package io.weft.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders admin API answers as aligned text tables. */
final class Tables {
    private static final Map<String, String> SHORT = Map.of(
            "type.googleapis.com/envoy.config.listener.v3.Listener", "LDS",
            "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "RDS",
            "type.googleapis.com/envoy.config.cluster.v3.Cluster", "CDS",
            "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", "EDS",
            "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "SDS");
    private static final List<String> TYPES = List.of("LDS", "RDS", "CDS", "EDS", "SDS");

    private Tables() {
    }

    static String proxies(JsonNode body) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NODE", "SERVICE", "MODE", "STREAM", "CONNECTED SINCE", "LDS", "RDS", "CDS", "EDS", "SDS", "LAST NACK"));
        List<String> nacks = new ArrayList<>();
        for (JsonNode p : body.path("proxies")) {
            List<String> row = new ArrayList<>(List.of(p.path("node").path("id").asText(), p.path("node").path("service").asText(),
                    p.path("node").path("mode").asText().toLowerCase(java.util.Locale.ROOT), p.path("protocol").asText(),
                    p.path("connectedSince").asText()));
            String lastNack = "-";
            for (String t : TYPES) {
                JsonNode ts = typeStatus(p.path("types"), t);
                if (ts == null) {
                    row.add("-");
                    continue;
                }
                String acked = ts.path("ackedVersion").asText();
                boolean synced = !acked.isEmpty() && acked.equals(ts.path("sentVersion").asText());
                row.add(acked.isEmpty() ? "(none)" : shortVersion(acked) + "@" + ts.path("ackedMeshVersion").asLong()
                        + (synced ? "" : " (sent " + shortVersion(ts.path("sentVersion").asText()) + ")"));
                JsonNode nack = ts.path("lastNack");
                if (nack.isObject()) {
                    lastNack = t + " " + nack.path("at").asText();
                    nacks.add(p.path("node").path("id").asText() + " " + t + " version " + shortVersion(nack.path("version").asText())
                            + ": " + nack.path("error").asText());
                }
            }
            row.add(lastNack);
            rows.add(row);
        }
        StringBuilder sb = new StringBuilder("mesh version " + body.path("meshVersion").asLong() + ", "
                + (rows.size() - 1) + " proxies\n").append(render(rows));
        if (!nacks.isEmpty()) {
            sb.append("\nNACKs (the proxy keeps its previous config):\n");
            nacks.forEach(n -> sb.append("  ").append(n).append('\n'));
        }
        return sb.toString();
    }

    static String rollouts(JsonNode body) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("MESH VERSION", "STARTED", "PROXIES", "CONVERGED", "WAITING", "NACKED", "GONE", "TOOK", "CAUSE"));
        for (JsonNode r : body.path("rollouts")) {
            JsonNode took = r.path("convergedIn");
            rows.add(List.of(r.path("meshVersion").asText(), r.path("started").asText(), r.path("proxies").asText(),
                    r.path("converged").asText(), Integer.toString(r.path("waiting").size()),
                    Integer.toString(r.path("nacked").size()), Integer.toString(r.path("gone").size()),
                    took.isNull() || took.isMissingNode() ? "converging" : millis(took.asText()), r.path("cause").asText()));
        }
        return render(rows);
    }

    static String diff(JsonNode body, String verb) {
        JsonNode changes = body.path("changes");
        if (changes.isEmpty()) {
            return "valid; no connected proxy " + (verb.startsWith("would") ? "would change" : "changed") + "\n";
        }
        StringBuilder sb = new StringBuilder(changes.size() + " prox" + (changes.size() == 1 ? "y " : "ies ") + verb + ":\n");
        for (JsonNode c : changes) {
            sb.append("  ").append(c.path("node").asText()).append(" (").append(c.path("service").asText()).append(")\n");
            c.path("types").properties().forEach(t -> {
                String type = SHORT.getOrDefault(t.getKey(), t.getKey());
                for (String kind : List.of("added", "removed", "modified")) {
                    if (!t.getValue().path(kind).isEmpty()) {
                        List<String> names = new ArrayList<>();
                        t.getValue().path(kind).forEach(n -> names.add(n.asText()));
                        sb.append("    ").append(type).append(' ').append(kind).append(": ").append(String.join(", ", names)).append('\n');
                    }
                }
            });
        }
        return sb.toString();
    }

    private static JsonNode typeStatus(JsonNode types, String shortName) {
        for (Map.Entry<String, String> e : SHORT.entrySet()) {
            if (e.getValue().equals(shortName) && types.has(e.getKey())) {
                return types.get(e.getKey());
            }
        }
        return null;
    }

    /** {@code PT0.04S} → {@code 40ms}. */
    static String millis(String isoDuration) {
        try {
            return java.time.Duration.parse(isoDuration).toMillis() + "ms";
        } catch (java.time.format.DateTimeParseException e) {
            return isoDuration;
        }
    }

    private static String shortVersion(String v) {
        return v.length() > 8 ? v.substring(0, 8) : v;
    }

    static String render(List<List<String>> rows) {
        int[] w = new int[rows.get(0).size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                sb.append(i + 1 < r.size() ? String.format("%-" + (w[i] + 2) + "s", r.get(i)) : r.get(i));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
