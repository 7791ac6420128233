package io.weft.controlplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.weft.proto.v1.BodyConversion;
import io.weft.proto.v1.Cors;
import io.weft.proto.v1.EdgeCache;
import io.weft.proto.v1.EdgeGuard;
import io.weft.proto.v1.EdgeTransform;
import io.weft.proto.v1.HeaderOps;
import io.weft.proto.v1.JsonOps;
import io.weft.proto.v1.PathRewrite;
import io.weft.proto.v1.QueryOps;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads an edge route's {@code transform}, {@code cache} and {@code guard} sections. Stateless. */
final class EdgeTransformReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER_NAME = "[a-z0-9!#$%&'*+.^_`|~-]+";
    private static final String JSON_PATH = "[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*";

    private EdgeTransformReader() {
    }

    static EdgeTransform transform(YamlNode t) {
        t.allowKeys(Set.of("requestHeaders", "responseHeaders", "requestJson", "responseJson", "path", "query",
                "requestBody", "responseBody"));
        EdgeTransform.Builder b = EdgeTransform.newBuilder();
        if (!t.get("requestHeaders").isMissing()) {
            b.setRequestHeaders(headers(t.get("requestHeaders")));
        }
        if (!t.get("responseHeaders").isMissing()) {
            b.setResponseHeaders(headers(t.get("responseHeaders")));
        }
        if (!t.get("requestJson").isMissing()) {
            b.setRequestJson(json(t.get("requestJson")));
        }
        if (!t.get("responseJson").isMissing()) {
            b.setResponseJson(json(t.get("responseJson")));
        }
        YamlNode p = t.get("path");
        if (!p.isMissing()) {
            p.allowKeys(Set.of("regex", "replace"));
            String re = p.get("regex").requiredString();
            try {
                Pattern.compile(re);
            } catch (PatternSyntaxException e) {
                throw p.get("regex").error("a valid regular expression (" + e.getDescription() + ")");
            }
            String replace = p.get("replace").requiredString();
            if (!replace.startsWith("/") && !replace.startsWith("$")) {
                throw p.get("replace").error("a path starting with / (groups as $1, $2...)");
            }
            b.setPath(PathRewrite.newBuilder().setRegex(re).setSubstitution(replace));
        }
        YamlNode q = t.get("query");
        if (!q.isMissing()) {
            q.allowKeys(Set.of("set", "remove", "rename"));
            b.setQuery(QueryOps.newBuilder().putAllSet(q.get("set").stringMap()).addAllRemove(q.get("remove").stringList())
                    .putAllRename(q.get("rename").stringMap()));
        }
        b.setRequestBody(conversion(t.get("requestBody")));
        b.setResponseBody(conversion(t.get("responseBody")));
        return b.build();
    }

    private static HeaderOps headers(YamlNode h) {
        h.allowKeys(Set.of("set", "remove", "rename"));
        HeaderOps.Builder b = HeaderOps.newBuilder();
        h.get("set").entries().forEach(e -> b.putSet(headerName(e.getValue(), e.getKey()), e.getValue().string()));
        h.get("remove").list().forEach(n -> b.addRemove(headerName(n, n.requiredString())));
        h.get("rename").entries().forEach(e -> b.putRename(headerName(e.getValue(), e.getKey()),
                headerName(e.getValue(), e.getValue().requiredString())));
        return b.build();
    }

    private static String headerName(YamlNode at, String name) {
        String lower = name.toLowerCase();
        if (!lower.matches(HEADER_NAME)) {
            throw at.error("header name \"" + name + "\"", "an HTTP header name (RFC 9110 token)");
        }
        return lower;
    }

    private static JsonOps json(YamlNode j) {
        j.allowKeys(Set.of("rename", "remove", "inject"));
        JsonOps.Builder b = JsonOps.newBuilder();
        for (Map.Entry<String, YamlNode> e : j.get("rename").entries()) {
            jsonPath(e.getValue(), e.getKey());
            String to = e.getValue().requiredString();
            if (!to.matches("[A-Za-z0-9_$-]+")) {
                throw e.getValue().error("a field name (the new last segment)");
            }
            b.putRename(e.getKey(), to);
        }
        j.get("remove").list().forEach(n -> b.addRemove(jsonPath(n, n.requiredString())));
        for (Map.Entry<String, YamlNode> e : j.get("inject").entries()) {
            jsonPath(e.getValue(), e.getKey());
            try {
                b.putInject(e.getKey(), JSON.writeValueAsString(e.getValue().raw()));
            } catch (JsonProcessingException ex) {
                throw e.getValue().error("a value that can be written as JSON");
            }
        }
        return b.build();
    }

    private static String jsonPath(YamlNode at, String path) {
        if (!path.matches(JSON_PATH)) {
            throw at.error("field path \"" + path + "\"", "dotted field names such as user.email");
        }
        return path;
    }

    private static BodyConversion conversion(YamlNode n) {
        return switch (n.optString().orElse("unchanged")) {
            case "unchanged" -> BodyConversion.BODY_UNCHANGED;
            case "xmlToJson" -> BodyConversion.XML_TO_JSON;
            case "jsonToXml" -> BodyConversion.JSON_TO_XML;
            default -> throw n.error("xmlToJson or jsonToXml");
        };
    }

    static EdgeCache cache(YamlNode c) {
        c.allowKeys(Set.of("ttl", "keyHeaders", "keyQuery", "maxBodyBytes"));
        EdgeCache.Builder b = EdgeCache.newBuilder()
                .setDefaultTtl(EdgeFiltersReader.proto(c.get("ttl").optDuration().orElse(Duration.ZERO)))
                .setMaxBodyBytes(c.get("maxBodyBytes").intValue(1 << 20, 1, 64 << 20));
        c.get("keyHeaders").list().forEach(n -> b.addKeyHeaders(headerName(n, n.requiredString())));
        b.addAllKeyQuery(c.get("keyQuery").stringList());
        return b.build();
    }

    static EdgeGuard guard(YamlNode g) {
        g.allowKeys(Set.of("maxBodyBytes", "allowCidrs", "denyCidrs", "cors", "deprecatedAt", "sunsetAt", "deprecationLink"));
        EdgeGuard.Builder b = EdgeGuard.newBuilder().setMaxBodyBytes(g.get("maxBodyBytes").intValue(0, 1, Integer.MAX_VALUE));
        for (String list : new String[] {"allowCidrs", "denyCidrs"}) {
            for (YamlNode n : g.get(list).list()) {
                String cidr = n.requiredString();
                if (!cidr.matches("[0-9.]+/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3}|[0-9.]+|[0-9a-fA-F:]+")) {
                    throw n.error("an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8");
                }
                if (list.equals("allowCidrs")) {
                    b.addAllowCidrs(cidr);
                } else {
                    b.addDenyCidrs(cidr);
                }
            }
        }
        YamlNode c = g.get("cors");
        if (!c.isMissing()) {
            c.allowKeys(Set.of("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "allowCredentials", "maxAge"));
            Cors.Builder cors = Cors.newBuilder().addAllAllowOrigins(c.get("allowOrigins").stringList())
                    .addAllAllowMethods(c.get("allowMethods").stringList()).addAllAllowHeaders(c.get("allowHeaders").stringList())
                    .addAllExposeHeaders(c.get("exposeHeaders").stringList()).setAllowCredentials(c.get("allowCredentials").bool(false))
                    .setMaxAge(EdgeFiltersReader.proto(c.get("maxAge").optDuration().orElse(Duration.ofMinutes(10))));
            if (cors.getAllowOriginsCount() == 0) {
                throw c.get("allowOrigins").error("missing", "origins such as https://shop.example, or \"*\"");
            }
            if (cors.getAllowCredentials() && cors.getAllowOriginsList().contains("*")) {
                throw c.get("allowCredentials").error("credentials with origin \"*\"", "explicit origins when allowCredentials is true");
            }
            b.setCors(cors);
        }
        if (!g.get("deprecatedAt").isMissing()) {
            b.setDeprecatedAt(timestamp(g.get("deprecatedAt")));
        }
        if (!g.get("sunsetAt").isMissing()) {
            b.setSunsetAt(timestamp(g.get("sunsetAt")));
        }
        g.get("deprecationLink").optString().ifPresent(b::setDeprecationLink);
        return b.build();
    }

    private static Timestamp timestamp(YamlNode n) {
        if (n.raw() instanceof java.util.Date d) { // an unquoted YAML timestamp
            return Timestamp.newBuilder().setSeconds(d.toInstant().getEpochSecond()).build();
        }
        try {
            Instant i = Instant.parse(n.requiredString());
            return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
        } catch (DateTimeParseException e) {
            throw n.error("an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }
}
