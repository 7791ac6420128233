package io.weft.sidecar.edge;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as it travels down an edge route's chain. Filters may change the method's target (path,
 * query), the headers and the body, and record who the caller is. The body stays a stream until a
 * filter asks for its bytes. Not thread-safe: it belongs to the request's thread.
 */
public final class EdgeRequest {
    private final String method;
    private final String authority;
    private final String clientIp;
    private final boolean secure;
    private final String routeName;
    private final WritableHeaders<?> headers;
    private String path;
    private String rawQuery;
    private InputStream bodyStream;
    private byte[] body;
    private long maxBodyBytes;
    private Identity identity;

    private EdgeRequest(String method, String authority, String path, String rawQuery, WritableHeaders<?> headers,
                        InputStream bodyStream, String clientIp, boolean secure, String routeName, long maxBodyBytes) {
        this.method = method;
        this.authority = authority;
        this.path = path;
        this.rawQuery = rawQuery;
        this.headers = headers;
        this.bodyStream = bodyStream;
        this.clientIp = clientIp;
        this.secure = secure;
        this.routeName = routeName;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * @param bodyStream the request body, or null when the request has none
     * @param path       the normalized path (see {@link PathNormalizer})
     */
    public static EdgeRequest create(String method, String authority, String path, String rawQuery,
                                     WritableHeaders<?> headers, InputStream bodyStream, String clientIp,
                                     boolean secure, String routeName, long maxBodyBytes) {
        return new EdgeRequest(Objects.requireNonNull(method, "method"), Objects.requireNonNull(authority, "authority"),
                Objects.requireNonNull(path, "path"), Objects.requireNonNull(rawQuery, "rawQuery"),
                Objects.requireNonNull(headers, "headers"), bodyStream, Objects.requireNonNull(clientIp, "clientIp"),
                secure, Objects.requireNonNull(routeName, "routeName"), maxBodyBytes);
    }

    /** A request made up by the edge itself (aggregation calls, tests). */
    public static EdgeRequest synthetic(String method, String path, String rawQuery, WritableHeaders<?> headers) {
        return create(method, "", path, rawQuery, headers, null, "127.0.0.1", false, "", Long.MAX_VALUE);
    }

    public String method() {
        return method;
    }

    public String authority() {
        return authority;
    }

    public String path() {
        return path;
    }

    public void path(String newPath) {
        this.path = Objects.requireNonNull(newPath, "newPath");
    }

    /** The query string as received (still percent-encoded), empty when none. */
    public String rawQuery() {
        return rawQuery;
    }

    public void rawQuery(String q) {
        this.rawQuery = Objects.requireNonNull(q, "q");
    }

    public WritableHeaders<?> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.first(HeaderNames.create(name));
    }

    public Optional<String> header(HeaderName name) {
        return headers.first(name);
    }

    public String clientIp() {
        return clientIp;
    }

    public boolean secure() {
        return secure;
    }

    public String routeName() {
        return routeName;
    }

    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    public void identity(Identity id) {
        this.identity = Objects.requireNonNull(id, "id");
    }

    /** Lowers the body size limit (filters only ever tighten it). */
    public void limitBody(long max) {
        if (max > 0 && max < maxBodyBytes) {
            maxBodyBytes = max;
        }
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public boolean hasBody() {
        return body != null ? body.length > 0 : bodyStream != null;
    }

    /**
     * The whole body, read once and kept.
     *
     * @throws ProblemException 413 when it is larger than the limit, 400 when the client cut it short
     */
    public byte[] bodyBytes() {
        if (body == null) {
            body = bodyStream == null ? new byte[0] : readLimited(bodyStream, maxBodyBytes);
            bodyStream = null;
        }
        return body;
    }

    public void body(byte[] newBody) {
        this.body = Objects.requireNonNull(newBody, "newBody");
        this.bodyStream = null;
        headers.remove(HeaderNames.CONTENT_LENGTH);
        headers.remove(HeaderNames.TRANSFER_ENCODING);
    }

    /**
     * The body for forwarding: the bytes if a filter read or replaced it, else the untouched stream
     * (with the size limit enforced while it streams); empty when there is none.
     */
    public Optional<InputStream> bodyForUpstream() {
        if (body != null) {
            return body.length == 0 ? Optional.empty() : Optional.of(new java.io.ByteArrayInputStream(body));
        }
        if (bodyStream == null) {
            return Optional.empty();
        }
        return Optional.of(maxBodyBytes == Long.MAX_VALUE ? bodyStream : new LimitedInputStream(bodyStream, maxBodyBytes));
    }

    static byte[] readLimited(InputStream in, long max) {
        try {
            int cap = (int) Math.min(max + 1, Integer.MAX_VALUE - 8);
            byte[] out = in.readNBytes(cap);
            if (out.length > max) {
                throw tooLarge(max);
            }
            return out;
        } catch (IOException | UncheckedIOException e) {
            throw new ProblemException(400, "Bad Request", "request body could not be read: " + e.getMessage());
        }
    }

    static ProblemException tooLarge(long max) {
        return new ProblemException(413, "Content Too Large", "request body is larger than " + max + " bytes");
    }
}
