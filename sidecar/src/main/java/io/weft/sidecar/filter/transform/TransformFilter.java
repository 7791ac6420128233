package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Problem;
import io.weft.sidecar.edge.ProblemException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rewrites a request on its way up (path, query, headers, body) and the response on its way back
 * (headers, body). A request body that a JSON or XML edit needs but cannot parse is the client's
 * fault: 400. A response body that cannot be parsed is the upstream's: 502.
 */
final class TransformFilter implements EdgeFilter {
    static final long MAX_BODY = 8L << 20;

    private final TransformConfig cfg;
    private final ObjectMapper mapper;
    private final Optional<Pattern> pathRegex;
    private final JsonEditor requestJson;
    private final JsonEditor responseJson;
    private final XmlJson xml;

    TransformFilter(TransformConfig cfg, ObjectMapper mapper) {
        this.cfg = cfg;
        this.mapper = mapper;
        this.pathRegex = cfg.path().map(p -> Pattern.compile(p.regex()));
        this.requestJson = new JsonEditor(cfg.requestJson(), mapper);
        this.responseJson = new JsonEditor(cfg.responseJson(), mapper);
        this.xml = new XmlJson(mapper);
    }

    @Override
    public EdgeResponse filter(EdgeRequest req, Chain next) {
        pathRegex.ifPresent(re -> {
            var m = re.matcher(req.path());
            if (m.matches()) {
                req.path(m.replaceFirst(cfg.path().get().substitution()));
            }
        });
        if (!cfg.query().isEmpty()) {
            req.rawQuery(query(req.rawQuery(), cfg.query()));
        }
        headers(req.headers(), cfg.requestHeaders());
        if (req.hasBody() && (cfg.requestBody() != TransformConfig.Conversion.UNCHANGED || !cfg.requestJson().isEmpty())) {
            req.body(body(req.bodyBytes(), cfg.requestBody(), requestJson, cfg.requestJson().isEmpty(), 400,
                    "request body", req.headers()));
        }
        EdgeResponse res = next.proceed(req);
        headers(res.headers(), cfg.responseHeaders());
        boolean editBody = cfg.responseBody() != TransformConfig.Conversion.UNCHANGED || !cfg.responseJson().isEmpty();
        if (editBody && res.status() != 204 && res.status() != 304 && !isProblem(res)) {
            byte[] b = res.bodyBytes(MAX_BODY);
            if (b.length > 0) {
                try {
                    res.body(body(b, cfg.responseBody(), responseJson, cfg.responseJson().isEmpty(), 502, "upstream response",
                            res.headers()));
                } catch (ProblemException e) {
                    res.close();
                    return e.toResponse();
                }
            }
        }
        return res;
    }

    private static boolean isProblem(EdgeResponse r) {
        return r.header("content-type").map(c -> c.startsWith(Problem.CONTENT_TYPE)).orElse(false);
    }

    private byte[] body(byte[] in, TransformConfig.Conversion conv, JsonEditor editor, boolean noEdits, int status,
                        String what, WritableHeaders<?> headers) {
        String title = status == 400 ? "Bad Request" : "Bad Gateway";
        try {
            byte[] json = conv == TransformConfig.Conversion.XML_TO_JSON ? xml.xmlToJson(in) : in;
            if (!noEdits) {
                JsonNode tree;
                try {
                    tree = mapper.readTree(json);
                } catch (IOException e) {
                    throw new ProblemException(status, title, what + " is not valid JSON: " + firstLine(e.getMessage()));
                }
                if (tree == null) {
                    throw new ProblemException(status, title, what + " is empty (expected: a JSON document)");
                }
                editor.apply(tree);
                json = mapper.writeValueAsBytes(tree);
            }
            byte[] out = conv == TransformConfig.Conversion.JSON_TO_XML ? xml.jsonToXml(json) : json;
            if (conv == TransformConfig.Conversion.JSON_TO_XML) {
                headers.set(HeaderNames.CONTENT_TYPE, "application/xml; charset=utf-8");
            } else if (conv == TransformConfig.Conversion.XML_TO_JSON || !noEdits) {
                headers.set(HeaderNames.CONTENT_TYPE, "application/json");
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new ProblemException(status, title, what + ": " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new ProblemException(status, title, what + " could not be converted: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static void headers(WritableHeaders<?> h, TransformConfig.NameOps ops) {
        if (ops.isEmpty()) {
            return;
        }
        for (String name : ops.remove()) {
            h.remove(HeaderNames.create(name));
        }
        for (Map.Entry<String, String> r : ops.rename().entrySet()) {
            HeaderName from = HeaderNames.create(r.getKey());
            if (h.contains(from)) {
                Header old = h.get(from);
                h.remove(from);
                h.set(HeaderNames.create(r.getValue()), old.allValues());
            }
        }
        ops.set().forEach((name, value) -> h.set(HeaderNames.create(name), value));
    }

    /** Applies query edits to a raw query string; names are compared decoded, values are kept encoded. */
    static String query(String raw, TransformConfig.NameOps ops) {
        List<String[]> pairs = new ArrayList<>();
        if (!raw.isEmpty()) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                pairs.add(eq < 0 ? new String[] {p, null} : new String[] {p.substring(0, eq), p.substring(eq + 1)});
            }
        }
        pairs.removeIf(p -> ops.remove().contains(decode(p[0])) || ops.set().containsKey(decode(p[0])));
        for (String[] p : pairs) {
            String renamed = ops.rename().get(decode(p[0]));
            if (renamed != null) {
                p[0] = enc(renamed);
            }
        }
        ops.set().forEach((k, v) -> pairs.add(new String[] {enc(k), enc(v)}));
        StringBuilder b = new StringBuilder();
        for (String[] p : pairs) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(p[0]);
            if (p[1] != null) {
                b.append('=').append(p[1]);
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
