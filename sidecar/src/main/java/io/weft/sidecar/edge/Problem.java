package io.weft.sidecar.edge;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one error format for every response the edge produces itself: RFC 9457
 * {@code application/problem+json} with {@code type}, {@code title}, {@code status} and {@code detail}.
 */
public final class Problem {
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problem() {
    }

    public static EdgeResponse response(int status, String title, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":" + status
                + ",\"detail\":\"" + escape(detail) + "\"}";
        EdgeResponse r = EdgeResponse.of(status, body.getBytes(StandardCharsets.UTF_8));
        r.header("content-type", CONTENT_TYPE);
        r.header("cache-control", "no-store");
        return r;
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
