package io.weft.sidecar.filter.transcode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.Upstreams;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * HTTP/JSON in, one unary gRPC call out, JSON back (proto3 JSON mapping, fields by their JSON or proto
 * names). The request message is filled from the JSON body, then query parameters, then path
 * variables (later ones win). A body or parameter that does not fit the message is a 400 that never
 * reaches the service. The gRPC status becomes the HTTP status (404 for NOT_FOUND, 503 for
 * UNAVAILABLE, 504 for DEADLINE_EXCEEDED...), with the status name and message in a problem+json
 * detail and {@code grpc-status} / {@code grpc-message} headers. Immutable and thread-safe; never
 * calls the chain.
 */
final class TranscodeFilter implements HttpFilter {
    static final long MAX_BODY = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace()
            .alwaysPrintFieldsWithNoPresence();
    /** Request fields that travel as gRPC metadata. */
    private static final Set<String> NOT_METADATA = Set.of("host", "content-type", "content-length", "accept",
            "accept-encoding", "transfer-encoding", "te", "connection", "keep-alive", "upgrade", "user-agent", "expect");

    private final TranscodeConfig cfg;
    private final Descriptors.MethodDescriptor method;
    private final String fullMethod;

    TranscodeFilter(TranscodeConfig cfg) {
        this.cfg = cfg;
        this.method = cfg.method().orElseThrow();
        this.fullMethod = cfg.fullMethod();
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        Map<String, String> vars = cfg.path().match(ex.path()).orElseThrow(() -> new LocalReplyException(404,
                "path " + ex.path() + " does not fit " + cfg.path().source()));
        Descriptors.Descriptor input = method.getInputType();
        DynamicMessage.Builder request = DynamicMessage.newBuilder(input);
        byte[] body = ex.requestBody(MAX_BODY);
        if (body.length > 0) {
            merge(new String(body, StandardCharsets.UTF_8), request, "request body");
        }
        ObjectNode params = JSON.createObjectNode();
        for (String pair : ex.query().isEmpty() ? new String[0] : ex.query().split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.put(field(input, name, "query parameter").getName(), decode(eq < 0 ? "" : pair.substring(eq + 1)));
        }
        vars.forEach(params::put);
        if (!params.isEmpty()) {
            DynamicMessage.Builder given = DynamicMessage.newBuilder(input);
            merge(params.toString(), given, "query and path parameters");
            given.getAllFields().forEach((f, v) -> request.clearField(f).setField(f, v)); // parameters win over the body
        }
        long deadline = System.nanoTime() + cfg.timeout().toNanos();
        Upstreams.GrpcReply reply;
        try {
            reply = ex.upstreams().grpc(new Upstreams.GrpcCall(cfg.cluster(), fullMethod, cfg.authority(),
                    request.build().toByteArray(), metadata(ex), deadline));
        } catch (Upstreams.Failure f) {
            ex.respond(Status.create(f.status()), f.flag(), f.getMessage());
            return;
        }
        if (reply.code() != 0) {
            ex.response().header(HeaderNames.create("grpc-status"), Integer.toString(reply.code()));
            ex.response().header(HeaderNames.create("grpc-message"), ascii(reply.description()));
            ex.respond(Status.create(GrpcHttpStatus.http(reply.code())), fullMethod + " failed: "
                    + GrpcHttpStatus.name(reply.code()) + (reply.description().isEmpty() ? "" : ": " + reply.description()));
            return;
        }
        String json;
        try {
            json = PRINTER.print(DynamicMessage.parseFrom(method.getOutputType(), reply.message()));
        } catch (InvalidProtocolBufferException e) {
            ex.respond(Status.BAD_GATEWAY_502, fullMethod + " answered a message that is not a "
                    + method.getOutputType().getFullName() + ": " + e.getMessage());
            return;
        }
        ex.response().header(HeaderNames.CONTENT_TYPE, "application/json");
        ex.respond(Status.OK_200, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void merge(String json, DynamicMessage.Builder into, String what) {
        try {
            PARSER.merge(json, into);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new LocalReplyException(400, what + " does not fit " + into.getDescriptorForType().getFullName() + ": "
                    + e.getMessage());
        }
    }

    /** A top-level field by proto name or JSON name. */
    private static Descriptors.FieldDescriptor field(Descriptors.Descriptor type, String name, String what) {
        Descriptors.FieldDescriptor f = type.findFieldByName(name);
        if (f == null) {
            f = type.getFields().stream().filter(x -> x.getJsonName().equals(name)).findFirst().orElse(null);
        }
        if (f == null || f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
            throw new LocalReplyException(400, what + " \"" + name + "\" (expected: a scalar field of " + type.getFullName()
                    + ", one of " + type.getFields().stream().map(Descriptors.FieldDescriptor::getName).toList() + ")");
        }
        return f;
    }

    private static Map<String, String> metadata(Exchange ex) {
        Map<String, String> out = new HashMap<>();
        for (Header h : ex.upstreamHeaders()) {
            String name = h.headerName().lowerCase();
            if (!NOT_METADATA.contains(name) && !name.startsWith("grpc-") && !name.startsWith(":")) {
                out.put(name, ascii(h.values()));
            }
        }
        return out;
    }

    private static String ascii(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new LocalReplyException(400, "query \"" + s + "\" has a bad escape");
        }
    }
}
