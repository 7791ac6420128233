package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.http.ServerResponseHeaders;
import io.weft.sidecar.edge.Problem;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.LocalReplyException;
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
final class TransformFilter implements HttpFilter {
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
    public void filter(Exchange ex, FilterChain chain) {
        if (pathRegex.isPresent() || !cfg.query().isEmpty()) {
            String target = ex.upstreamPath();
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? "" : target.substring(q + 1);
            if (pathRegex.isPresent()) {
                var m = pathRegex.get().matcher(path);
                if (m.matches()) {
                    path = m.replaceFirst(cfg.path().get().substitution());
                }
            }
            if (!cfg.query().isEmpty()) {
                query = query(query, cfg.query());
            }
            ex.upstreamPath(query.isEmpty() ? path : path + "?" + query);
        }
        headers(ex.upstreamHeaders(), cfg.requestHeaders());
        if (ex.request().content().hasEntity()
                && (cfg.requestBody() != TransformConfig.Conversion.UNCHANGED || !cfg.requestJson().isEmpty())) {
            ex.requestBody(body(ex.requestBody(MAX_BODY), cfg.requestBody(), requestJson, cfg.requestJson().isEmpty(), 400,
                    "request body", ex.upstreamHeaders()));
        }
        if (cfg.responseBody() != TransformConfig.Conversion.UNCHANGED || !cfg.responseJson().isEmpty()) {
            ex.onResponseBody(MAX_BODY, true, (status, h, b) -> {
                if (b.length == 0 || status.code() == 204 || status.code() == 304 || isProblem(h)) {
                    return b;
                }
                return body(b, cfg.responseBody(), responseJson, cfg.responseJson().isEmpty(), 502, "upstream response", h);
            });
        }
        if (!cfg.responseHeaders().isEmpty()) {
            ex.onResponse((status, h) -> headers(h, cfg.responseHeaders()));
        }
        chain.proceed();
    }

    private static boolean isProblem(ServerResponseHeaders h) {
        return h.first(HeaderNames.CONTENT_TYPE).map(c -> c.startsWith(Problem.CONTENT_TYPE)).orElse(false);
    }

    private byte[] body(byte[] in, TransformConfig.Conversion conv, JsonEditor editor, boolean noEdits, int status,
                        String what, WritableHeaders<?> headers) {
        try {
            byte[] json = conv == TransformConfig.Conversion.XML_TO_JSON ? xml.xmlToJson(in) : in;
            if (!noEdits) {
                JsonNode tree;
                try {
                    tree = mapper.readTree(json);
                } catch (IOException e) {
                    throw new LocalReplyException(status, what + " is not valid JSON: " + firstLine(e.getMessage()));
                }
                if (tree == null) {
                    throw new LocalReplyException(status, what + " is empty (expected: a JSON document)");
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
            throw new LocalReplyException(status, what + ": " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new LocalReplyException(status, what + " could not be converted: " + firstLine(e.getMessage()));
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
