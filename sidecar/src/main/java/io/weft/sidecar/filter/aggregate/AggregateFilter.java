package io.weft.sidecar.filter.aggregate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.weft.proto.AggregatePlaceholders;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers a request by calling several upstreams, each on its own virtual thread: a call starts as
 * soon as the calls it reads from have answered, and runs under its own timeout. The answers (JSON)
 * are merged into one object keyed by call name. A call fails when it gets no answer in time, a non-2xx
 * status, a body that is not JSON, or when a call it reads from failed; then the route's policy either
 * fails the request (504 when a call timed out, else 502) or answers 200 with what arrived plus an
 * {@code errors} object ({@code {"<call>": {"status": N, "detail": "..."}}}). Missing client input a
 * template needs is a 400 before any call is made. Immutable and thread-safe; never calls the chain.
 */
final class AggregateFilter implements HttpFilter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AggregateConfig cfg;

    AggregateFilter(AggregateConfig cfg) {
        this.cfg = cfg;
    }

    /** A call's outcome: its JSON answer, or why it has none. */
    private sealed interface Outcome {
    }

    private record Answer(JsonNode json) implements Outcome {
    }

    private record Failed(int status, ResponseFlag flag, String detail) implements Outcome {
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        Map<String, String> query = query(ex.query());
        List<AggregateConfig.Call> calls = cfg.calls();
        for (AggregateConfig.Call c : calls) {
            checkClientInput(ex, query, c);
        }
        WritableHeaders<?> base = WritableHeaders.create(ex.upstreamHeaders());
        base.remove(HeaderNames.CONTENT_LENGTH);
        base.remove(HeaderNames.CONTENT_TYPE);
        base.remove(HeaderNames.TRANSFER_ENCODING);
        base.set(HeaderNames.ACCEPT, "application/json");
        @SuppressWarnings("unchecked")
        CompletableFuture<Outcome>[] outcomes = new CompletableFuture[calls.size()];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new CompletableFuture<>();
        }
        for (int i = 0; i < outcomes.length; i++) {
            AggregateConfig.Call c = calls.get(i);
            CompletableFuture<Outcome> out = outcomes[i];
            Thread.ofVirtual().name("weft-aggregate-" + c.name()).start(() -> out.complete(run(ex, query, base, c, outcomes)));
        }
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        ObjectNode errors = JsonNodeFactory.instance.objectNode();
        Failed first = null;
        boolean timedOut = false;
        for (int i = 0; i < outcomes.length; i++) {
            switch (outcomes[i].join()) {
                case Answer a -> merged.set(calls.get(i).name(), a.json());
                case Failed f -> {
                    errors.putObject(calls.get(i).name()).put("status", f.status()).put("detail", f.detail());
                    first = first == null ? f : first;
                    timedOut |= f.status() == 504;
                }
            }
        }
        if (first != null && (!cfg.partial() || errors.size() == calls.size())) {
            ex.respond(timedOut ? Status.GATEWAY_TIMEOUT_504 : Status.BAD_GATEWAY_502, first.flag(),
                    errors.size() == calls.size() && cfg.partial() ? "every call failed: " + errors : first.detail());
            return;
        }
        if (!errors.isEmpty()) {
            merged.set(AggregatePlaceholders.ERRORS, errors);
        }
        ex.response().header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            ex.respond(Status.OK_200, JSON.writeValueAsBytes(merged));
        } catch (IOException e) {
            throw new IllegalStateException("writing a JSON tree cannot fail", e);
        }
    }

    /** 400 when the client's request lacks a query parameter or header a call's template reads. */
    private static void checkClientInput(Exchange ex, Map<String, String> query, AggregateConfig.Call c) {
        for (Template t : c.body().isPresent() ? List.of(c.path(), c.body().get()) : List.of(c.path())) {
            for (Template.Part p : t.parts()) {
                if (p instanceof Template.Placeholder ph) {
                    String name = String.join(".", ph.path());
                    if (ph.scope().equals(Template.QUERY) && !query.containsKey(name)) {
                        throw new LocalReplyException(400, "query parameter \"" + name + "\" is required (call \"" + c.name()
                                + "\" uses it)");
                    }
                    if (ph.scope().equals(Template.HEADER) && ex.header(HeaderNames.create(name)).isEmpty()) {
                        throw new LocalReplyException(400, "header \"" + name + "\" is required (call \"" + c.name()
                                + "\" uses it)");
                    }
                }
            }
        }
    }

    private Outcome run(Exchange ex, Map<String, String> query, WritableHeaders<?> base, AggregateConfig.Call c,
                        CompletableFuture<Outcome>[] outcomes) {
        Map<String, JsonNode> inputs = new HashMap<>();
        for (int d : c.dependsOn()) {
            String dep = cfg.calls().get(d).name();
            if (!(outcomes[d].join() instanceof Answer a)) {
                return new Failed(502, ResponseFlag.UR, "not called: call \"" + dep + "\" it reads from failed");
            }
            inputs.put(dep, a.json());
        }
        String path;
        byte[] body;
        try {
            path = c.path().render(ph -> value(ex, query, inputs, ph), AggregateFilter::pathEscape);
            body = c.body().map(b -> b.render(ph -> value(ex, query, inputs, ph), AggregateFilter::jsonEscape))
                    .orElse("").getBytes(StandardCharsets.UTF_8);
        } catch (MissingField e) {
            return new Failed(502, ResponseFlag.UR, "not called: " + e.getMessage());
        }
        WritableHeaders<?> headers = WritableHeaders.create(base);
        if (body.length > 0) {
            headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        }
        long deadline = System.nanoTime() + c.timeout().toNanos();
        Upstreams.Reply reply;
        try {
            reply = ex.upstreams().send(new Upstreams.Call(c.cluster(), c.method(), path, c.authority(), headers, body,
                    deadline, cfg.maxBodyBytes()));
        } catch (Upstreams.Failure f) {
            String detail = f.status() == 504 ? "no answer within " + c.timeout().toMillis() + "ms" : f.getMessage();
            return new Failed(f.status(), f.flag(), detail);
        }
        if (reply.status() < 200 || reply.status() > 299) {
            return new Failed(502, ResponseFlag.UR, c.cluster() + " answered " + reply.status());
        }
        if (reply.body().length == 0) {
            return new Answer(JsonNodeFactory.instance.nullNode());
        }
        try {
            return new Answer(JSON.readTree(reply.body()));
        } catch (IOException e) {
            return new Failed(502, ResponseFlag.UR, c.cluster() + " answered something that is not JSON");
        }
    }

    private static String value(Exchange ex, Map<String, String> query, Map<String, JsonNode> inputs, Template.Placeholder ph) {
        String name = String.join(".", ph.path());
        return switch (ph.scope()) {
            case Template.QUERY -> query.get(name);
            case Template.HEADER -> ex.header(HeaderNames.create(name)).orElseThrow();
            default -> {
                JsonNode n = inputs.get(ph.scope());
                for (String step : ph.path()) {
                    n = n.isArray() && step.matches("\\d{1,9}") ? n.path(Integer.parseInt(step)) : n.path(step);
                }
                if (!n.isValueNode() || n.isNull()) {
                    throw new MissingField(ph.text() + " is not a value in the answer of \"" + ph.scope() + "\"");
                }
                yield n.asText();
            }
        };
    }

    private static String pathEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String jsonEscape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            try {
                out.putIfAbsent(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new LocalReplyException(400, "query \"" + raw + "\" has a bad escape");
            }
        }
        return out;
    }

    /** A template reads a field an earlier answer does not have. */
    private static final class MissingField extends RuntimeException {
        MissingField(String message) {
            super(message, null, false, false);
        }
    }
}
