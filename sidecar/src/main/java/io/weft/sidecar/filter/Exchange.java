package io.weft.sidecar.filter;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One request on its way through a route's filter chain: what arrived, what will be sent upstream
 * (filters may change it), how it was answered, and per-request notes for the access log.
 *
 * <p>Created by the listener after routing, used by one virtual thread; not thread-safe. Filters may
 * read the request, change {@link #upstreamHeaders()} and {@link #upstreamPath(String)}, answer with
 * {@link #respond}, and register hooks that see the response before it is sent.
 */
public final class Exchange {
    private static final HeaderName FLAGS_HEADER = HeaderNames.create(ResponseFlag.HEADER);

    private final ServerRequest request;
    private final ServerResponse response;
    private final String listener;
    private final String route;
    private final String authority;
    private final String path;
    private final String query;
    private final String requestId;
    private final long startNanos;
    private final WritableHeaders<?> upstreamHeaders;
    private final LocalReply localReply;
    private final ResponseHooks hooks;
    private byte[] requestBody;
    private Upstreams upstreams = Upstreams.NONE;
    private String upstreamPath;
    private String upstreamAuthority;
    private HttpFilter[] filters;
    private Terminal terminal;
    private int next;
    private boolean terminated;
    private int flags;
    private boolean flagsStamped;
    private String cluster = "";
    private String upstreamHost = "";
    private int attempts;
    private Map<String, String> notes;
    private Map<Attribute<?>, Object> attributes;

    /**
     * For the listener: an exchange for a routed request.
     *
     * @param authority       the lower-cased authority the request was routed on
     * @param path            the raw path, without the query
     * @param query           the raw query, without {@code ?}; empty when none
     * @param upstreamHeaders the headers to send upstream: the request's, less hop-by-hop ones, plus forwarding headers
     * @param upstreamPath    the path and query to send upstream (after the route's rewrite)
     * @param localReply      the format of the answers the proxy gives itself on this listener
     */
    public Exchange(ServerRequest request, ServerResponse response, String listener, String route, String authority,
                    String path, String query, String requestId, WritableHeaders<?> upstreamHeaders, String upstreamPath,
                    LocalReply localReply, long startNanos) {
        this.request = Objects.requireNonNull(request, "request");
        this.response = Objects.requireNonNull(response, "response");
        this.listener = listener;
        this.route = route;
        this.authority = authority;
        this.path = path;
        this.query = query;
        this.requestId = requestId;
        this.upstreamHeaders = upstreamHeaders;
        this.upstreamPath = upstreamPath;
        this.upstreamAuthority = authority;
        this.localReply = Objects.requireNonNull(localReply, "localReply");
        this.hooks = new ResponseHooks(this, response);
        this.startNanos = startNanos;
    }

    /** For the listener: runs the filters, then the terminal (the route's action). */
    public void run(Filters chain, Terminal end) {
        this.filters = chain.array();
        this.terminal = Objects.requireNonNull(end, "end");
        proceed();
    }

    private void proceed() {
        try {
            if (next < filters.length) {
                HttpFilter f = filters[next++];
                int before = next;
                f.filter(this, () -> {
                    if (next != before || terminated || response.isSent()) {
                        throw new IllegalStateException("filter " + f.getClass().getName()
                                + " called the chain twice, or after answering");
                    }
                    proceed();
                });
            } else if (!terminated) {
                terminated = true;
                terminal.handle(this);
            }
        } catch (LocalReplyException e) {
            if (response.isSent()) {
                throw e;
            }
            respond(e);
        }
    }

    // ---- the request as received

    /** The Helidon request, for what this class does not offer (body, TLS session, context). */
    public ServerRequest request() {
        return request;
    }

    public String method() {
        return request.prologue().method().text();
    }

    /** The lower-cased authority ({@code host[:port]}) the request was routed on. */
    public String authority() {
        return authority;
    }

    /** The raw (undecoded) path, without the query. */
    public String path() {
        return path;
    }

    /** The raw query without {@code ?}; empty when none. */
    public String query() {
        return query;
    }

    public Headers requestHeaders() {
        return request.headers();
    }

    public Optional<String> header(HeaderName name) {
        return request.headers().first(name);
    }

    /** The address of the directly connected peer (not a forwarded header). */
    public String remoteAddress() {
        return request.remotePeer().host();
    }

    /** The peer's verified certificate chain, when the connection is mutual TLS. */
    public Optional<Certificate[]> peerCertificates() {
        return request.remotePeer().tlsCertificates();
    }

    public String listener() {
        return listener;
    }

    public String route() {
        return route;
    }

    /** The request id: the caller's {@code x-request-id}, or one this proxy made. */
    public String requestId() {
        return requestId;
    }

    /** {@link System#nanoTime()} when the request arrived. */
    public long startNanos() {
        return startNanos;
    }

    // ---- the request as it will be sent upstream

    /** For the listener: where this exchange's own requests go (the snapshot it is served from). */
    public void upstreams(Upstreams u) {
        this.upstreams = Objects.requireNonNull(u, "u");
    }

    /** For filters that make requests of their own (aggregation, transcoding). */
    public Upstreams upstreams() {
        return upstreams;
    }

    /** The headers that will be sent upstream; filters may add, change and remove. */
    public WritableHeaders<?> upstreamHeaders() {
        return upstreamHeaders;
    }

    /** The path and query that will be sent upstream. */
    public String upstreamPath() {
        return upstreamPath;
    }

    public void upstreamPath(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("upstream path: \"" + pathAndQuery + "\" (expected: starting with /)");
        }
        this.upstreamPath = pathAndQuery;
    }

    /** The authority sent upstream as {@code Host} / {@code :authority}. */
    public String upstreamAuthority() {
        return upstreamAuthority;
    }

    public void upstreamAuthority(String authority) {
        this.upstreamAuthority = Objects.requireNonNull(authority, "authority");
    }

    /**
     * Replaces the request body stream as the route's action will read it (e.g. to limit or inspect it).
     * Takes effect only if nothing has touched {@code request().content()} yet: filter first, then read.
     */
    public void filterRequestBody(UnaryOperator<InputStream> filter) {
        request.streamFilter(filter);
    }

    /**
     * The whole request body, read once (through any {@link #filterRequestBody} filters) and kept; the
     * route's action then sends these bytes. Empty when the request has none.
     *
     * @throws LocalReplyException 413 when it is longer than {@code max}, 400 when the client cut it short
     */
    public byte[] requestBody(long max) {
        if (requestBody == null) {
            if (!request.content().hasEntity()) {
                requestBody = new byte[0];
            } else {
                try (InputStream in = request.content().inputStream()) {
                    byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
                    if (b.length > max) {
                        throw new LocalReplyException(413, "request body is larger than " + max + " bytes");
                    }
                    requestBody = b;
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    throw new LocalReplyException(400, "request body could not be read: " + e.getMessage());
                }
            }
        }
        return requestBody;
    }

    /** Replaces the request body the route's action sends (framing is recomputed). */
    public void requestBody(byte[] body) {
        this.requestBody = Objects.requireNonNull(body, "body");
    }

    /** The request body if a filter read or replaced it; else the action streams the client's body. */
    public Optional<byte[]> bufferedRequestBody() {
        return Optional.ofNullable(requestBody);
    }

    // ---- the response

    /**
     * Registers a hook that sees the status and may change the headers just before the response is
     * sent. Hooks run innermost first: a filter's hook sees what the filters after it made of the response.
     */
    public void onResponse(ResponseHook hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
    }

    /**
     * Registers a hook that sees and may replace the whole response body (JSON edits, caching), in the
     * same innermost-first order as {@link #onResponse}. The route's action then buffers response
     * bodies up to {@code max} bytes. A larger body (or one that is not buffered: HEAD, 204, 304, gRPC)
     * skips the hook, unless {@code required}, in which case a larger body is a 502. The hook may throw
     * {@link LocalReplyException} to replace the response.
     */
    public void onResponseBody(long max, boolean required, BodyHook hook) {
        hooks.add(max, required, Objects.requireNonNull(hook, "hook"));
    }

    /** For route actions: the largest response body to buffer for body hooks; -1 when none wants it. */
    public long responseBufferLimit() {
        return hooks.bodyLimit();
    }

    /** For route actions: whether a response body larger than {@link #responseBufferLimit()} must be refused (502). */
    public boolean responseBodyRequired() {
        return hooks.bodyRequired();
    }

    /** Wraps the response body stream (e.g. to capture it for a cache). */
    public void filterResponseBody(UnaryOperator<OutputStream> filter) {
        response.streamFilter(filter);
    }

    /** Answers locally in the listener's format (see {@link LocalReply}), marking the response with {@code flag}. */
    public void respond(Status status, ResponseFlag flag, String detail) {
        addFlag(flag);
        note("detail", detail);
        respond(status, localReply.render(status, detail, response.headers()));
    }

    /** Answers locally in the listener's format, without a response flag (e.g. a malformed body). */
    public void respond(Status status, String detail) {
        note("detail", detail);
        respond(status, localReply.render(status, detail, response.headers()));
    }

    /** Answers locally in the listener's format, with the exception's status, detail, header fields and flag. */
    public void respond(LocalReplyException e) {
        respond(e.status(), render(e));
    }

    /**
     * Answers with the given body, which passes through the response hooks; set headers first through
     * {@link #response()}{@code .header(...)}. Route actions that buffered an upstream body send it here.
     */
    public void respond(Status status, byte[] body) {
        if (response.isSent()) {
            throw new IllegalStateException("response already sent; cannot answer " + status.code());
        }
        terminated = true;
        response.status(status);
        byte[] out = hooks.runAll(body);
        response.headers().remove(HeaderNames.CONTENT_LENGTH);
        response.send(out);
    }

    /** Sets a local reply's status, fields and flag on the response and returns its body. */
    byte[] render(LocalReplyException e) {
        e.flag().ifPresent(this::addFlag);
        note("detail", e.detail());
        response.status(e.status());
        byte[] body = localReply.render(e.status(), e.detail(), response.headers());
        e.headers().forEach((k, v) -> response.headers().set(HeaderNames.create(k), v));
        return body;
    }

    /** Whether a response has been sent (by a filter or the route's action). */
    public boolean responded() {
        return response.isSent();
    }

    /**
     * For route actions: the Helidon response to write to. Filters use {@link #respond},
     * {@link #onResponse} and {@link #filterResponseBody} instead.
     */
    public ServerResponse response() {
        return response;
    }

    /** The response status; meaningful once the chain has returned. */
    public int status() {
        return response.status().code();
    }

    // ---- outcome and notes

    /** Adds a response flag; it is sent in the flags header if the response head has not gone out yet. */
    public void addFlag(ResponseFlag flag) {
        flags |= flag.bit();
        if (!flagsStamped) {
            flagsStamped = true;
            response.beforeSend(() -> response.headers().set(FLAGS_HEADER, ResponseFlag.format(flags)));
        }
    }

    public boolean hasFlag(ResponseFlag flag) {
        return (flags & flag.bit()) != 0;
    }

    /** The flags, comma-separated; empty when none. */
    public String flags() {
        return ResponseFlag.format(flags);
    }

    /** Records where the request went, for the access log (set by the route's action). */
    public void upstream(String clusterName, String host, int attemptCount) {
        this.cluster = clusterName;
        this.upstreamHost = host;
        this.attempts = attemptCount;
    }

    public String cluster() {
        return cluster;
    }

    public String upstreamHost() {
        return upstreamHost;
    }

    /** How many upstream attempts were made (0 when the request never left the proxy). */
    public int attempts() {
        return attempts;
    }

    /** Adds a field to this request's access-log line (e.g. the policy that denied it). */
    public void note(String key, String value) {
        if (notes == null) {
            notes = new LinkedHashMap<>();
        }
        notes.put(key, value);
    }

    public Map<String, String> notes() {
        return notes == null ? Map.of() : Map.copyOf(notes);
    }

    /** Per-request state one filter leaves for another (e.g. the authenticated principal). */
    public <T> void attribute(Attribute<T> key, T value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        attributes.put(key, Objects.requireNonNull(value, "value"));
    }

    public <T> Optional<T> attribute(Attribute<T> key) {
        return attributes == null ? Optional.empty() : Optional.ofNullable(key.type().cast(attributes.get(key)));
    }

    /** A typed key for {@link #attribute}. Compare by identity: keep one constant per attribute. */
    public static final class Attribute<T> {
        private final String name;
        private final Class<T> type;

        private Attribute(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        public static <T> Attribute<T> create(String name, Class<T> type) {
            return new Attribute<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type"));
        }

        Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Sees the response head just before it is sent. Must not throw. */
    @FunctionalInterface
    public interface ResponseHook {
        void beforeSend(Status status, ServerResponseHeaders headers);
    }

    /** Sees a whole response body before it is sent and returns the body to send (the same array, or a new one). */
    @FunctionalInterface
    public interface BodyHook {
        byte[] onBody(Status status, ServerResponseHeaders headers, byte[] body);
    }
}
