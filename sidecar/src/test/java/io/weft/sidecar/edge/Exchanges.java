package io.weft.sidecar.edge;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.nio.charset.StandardCharsets;

/** Builds requests and runs a single filter against an echoing upstream, for filter unit tests. */
public final class Exchanges {
    private Exchanges() {
    }

    public static EdgeRequest request(String method, String path, String... headers) {
        WritableHeaders<?> h = WritableHeaders.create();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.add(HeaderNames.create(headers[i]), headers[i + 1]);
        }
        return EdgeRequest.create(method, "edge.test", path, "", h, null, "203.0.113.9", false, "r", 1 << 20);
    }

    public static EdgeRequest withBody(EdgeRequest r, String body) {
        r.body(body.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /** An upstream that answers 200 with a JSON body; the request it saw is left in {@code seen[0]}. */
    public static EdgeFilter.Chain okUpstream(EdgeRequest[] seen, String json) {
        return req -> {
            seen[0] = req;
            EdgeResponse r = EdgeResponse.of(200, json.getBytes(StandardCharsets.UTF_8));
            r.header("content-type", "application/json");
            return r;
        };
    }

    public static String body(EdgeResponse r) {
        return new String(r.bodyBytes(1 << 20), StandardCharsets.UTF_8);
    }
}
