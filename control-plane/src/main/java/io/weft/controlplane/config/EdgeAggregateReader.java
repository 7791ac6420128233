package io.weft.controlplane.config;

import io.weft.controlplane.model.WeightedTarget;
import io.weft.proto.AggregatePlaceholders;
import io.weft.proto.v1.AggregateCall;
import io.weft.proto.v1.EdgeAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an edge route's {@code aggregate} section: the calls (name, {@code to}, method, path and body
 * templates, timeout) and the partial-failure policy. References are checked here so a bad one is
 * refused with its file and field: a template may read {@code {query.*}}, {@code {header.*}} and
 * fields of calls declared before it. Stateless.
 */
final class EdgeAggregateReader {
    static final int MAX_CALLS = 20;
    private static final Set<String> KEYS = Set.of("calls", "onFailure", "maxBodyBytes");
    private static final Set<String> CALL_KEYS = Set.of("name", "to", "method", "path", "body", "timeout");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private EdgeAggregateReader() {
    }

    /** The services the calls go to, as the route's targets (weights only keep xDS well-formed: the filter answers). */
    static List<WeightedTarget> targets(YamlNode aggregate) {
        List<YamlNode> calls = callNodes(aggregate);
        List<WeightedTarget> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            int weight = 100 / calls.size() + (i == 0 ? 100 % calls.size() : 0);
            out.add(RouteReader.target(calls.get(i).get("to"), weight));
        }
        return out;
    }

    /** The nodes naming each target, in the order of {@link #targets}. */
    static List<YamlNode> targetNodes(YamlNode aggregate) {
        return callNodes(aggregate).stream().map(c -> c.get("to")).toList();
    }

    static EdgeAggregate aggregate(YamlNode a) {
        a.allowKeys(KEYS);
        EdgeAggregate.Builder b = EdgeAggregate.newBuilder();
        b.setOnFailure(switch (a.get("onFailure").optString().orElse("fail")) {
            case "fail" -> EdgeAggregate.OnFailure.FAIL;
            case "partial" -> EdgeAggregate.OnFailure.PARTIAL;
            default -> throw a.get("onFailure").error("fail or partial");
        });
        b.setMaxBodyBytes(a.get("maxBodyBytes").intValue(1 << 20, 1, 64 << 20));
        Set<String> earlier = new LinkedHashSet<>();
        for (YamlNode c : callNodes(a)) {
            c.allowKeys(CALL_KEYS);
            String name = c.get("name").requiredString();
            if (!AggregatePlaceholders.validCallName(name)) {
                throw c.get("name").error("letters, digits, '_' and '-', not query, header or errors");
            }
            if (earlier.contains(name)) {
                throw c.get("name").error("call \"" + name + "\" declared twice", "unique call names");
            }
            String method = c.get("method").optString().orElse("GET");
            if (!METHODS.contains(method)) {
                throw c.get("method").error("one of " + METHODS.stream().sorted().toList());
            }
            String path = RouteReader.path(c.get("path"));
            checkReferences(c.get("path"), path, earlier);
            AggregateCall.Builder call = AggregateCall.newBuilder().setName(name).setMethod(method).setPath(path)
                    .setCluster(RouteReader.target(c.get("to"), 100).cluster())
                    .setTimeout(EdgeFiltersReader.proto(c.get("timeout").duration(Duration.ofSeconds(5))));
            c.get("body").optString().ifPresent(body -> {
                checkReferences(c.get("body"), body, earlier);
                call.setBody(body);
            });
            b.addCalls(call);
            earlier.add(name);
        }
        return b.build();
    }

    private static List<YamlNode> callNodes(YamlNode a) {
        List<YamlNode> calls = a.get("calls").list();
        if (calls.isEmpty() || calls.size() > MAX_CALLS) {
            throw a.get("calls").error(calls.isEmpty() ? "missing" : calls.size() + " calls", "1 to " + MAX_CALLS + " calls");
        }
        return calls;
    }

    private static void checkReferences(YamlNode node, String template, Set<String> earlier) {
        for (String ref : AggregatePlaceholders.calls(template)) {
            if (!earlier.contains(ref)) {
                throw node.error("\"" + template + "\" reads from \"" + ref + "\"",
                        "{query.*}, {header.*} or a call declared before this one, one of " + earlier);
            }
        }
    }
}
