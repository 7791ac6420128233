package io.weft.sidecar.edge;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.weft.sidecar.filter.LocalReply;
import java.nio.charset.StandardCharsets;

/**
 * The one error format for every response the edge produces itself: RFC 9457
 * {@code application/problem+json} with {@code type}, {@code title}, {@code status} and {@code detail},
 * never cached. Stateless.
 */
public final class Problem implements LocalReply {
    public static final String CONTENT_TYPE = "application/problem+json";
    public static final Problem FORMAT = new Problem();

    private Problem() {
    }

    @Override
    public byte[] render(Status status, String detail, ServerResponseHeaders headers) {
        headers.set(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        return json(status.code(), title(status), detail);
    }

    /** The problem document for a status and detail. */
    public static byte[] json(int status, String title, String detail) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":" + status
                + ",\"detail\":\"" + escape(detail) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The RFC 9110 reason phrase (Helidon still names some by RFC 7231). */
    static String title(Status status) {
        return switch (status.code()) {
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            default -> status.reasonPhrase();
        };
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
