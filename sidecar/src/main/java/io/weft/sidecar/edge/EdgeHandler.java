package io.weft.sidecar.edge;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.proto.MeshNames;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.upstream.HopByHop;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.model.RouteConfigSpec;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.telemetry.ListenerTelemetry;
import io.weft.sidecar.telemetry.RequestTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The edge's public listener. For each request: read the snapshot once, normalize the path (the form
 * that is both routed on and forwarded), route, strip headers only the edge may set, run the route's
 * filter chain (guard, authn, rate limit, cache, transform) and end in the upstream call. Everything
 * the edge answers itself is {@code application/problem+json}. Filter chains are built once per
 * snapshot and route, on first use.
 */
public final class EdgeHandler implements Handler {
    /** Request bodies larger than this are refused unless a route's guard sets its own limit. */
    public static final long DEFAULT_MAX_BODY = 10L << 20;
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName FLAGS = HeaderNames.create(ResponseFlag.HEADER);

    private final SnapshotHolder snapshots;
    private final WebClient client;
    private final EdgeRuntime runtime;
    private final ListenerTelemetry telemetry;
    private volatile Compiled compiled;

    /** What is built once per snapshot: each route's chain (on first use) and the headers to strip. */
    private record Compiled(ConfigSnapshot snapshot, Set<HeaderName> trusted, Map<Route, EdgeFilter[]> chains) {
    }

    private final Optional<io.weft.sidecar.tls.MeshTls> mesh;

    public EdgeHandler(SnapshotHolder snapshots, WebClient client, EdgeRuntime runtime, ListenerTelemetry telemetry) {
        this(snapshots, client, runtime, telemetry, Optional.empty());
    }

    /** @param mesh the edge's mesh TLS, when it joined with a CA (clusters may then require mTLS) */
    public EdgeHandler(SnapshotHolder snapshots, WebClient client, EdgeRuntime runtime, ListenerTelemetry telemetry,
                       Optional<io.weft.sidecar.tls.MeshTls> mesh) {
        this.mesh = mesh;
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.client = Objects.requireNonNull(client, "client");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    public EdgeRuntime runtime() {
        return runtime;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Optional<ConfigSnapshot> snap = snapshots.current();
        String requestId = req.headers().first(REQUEST_ID).orElseGet(() -> UUID.randomUUID().toString());
        RequestTelemetry tx = telemetry.begin(req, snap, Optional.ofNullable(req.authority()).orElse("").toLowerCase(Locale.ROOT),
                req.path().rawPath(), requestId);
        EdgeResponse out = null;
        try {
            try {
                out = exchange(req, snap, tx);
            } catch (ProblemException e) {
                out = e.toResponse();
            }
            out.headers().set(ListenerTelemetry.TRACE_ID, tx.traceId());
            write(out, res);
        } finally {
            if (out != null) {
                tx.outcome(out.status(), out.headers().first(FLAGS).orElse(""), "", tx.cluster(), "");
                tx.bytes(req.headers().contentLength().orElse(0), out.headers().contentLength().orElse(0));
            }
            tx.finish();
        }
    }

    private EdgeResponse exchange(ServerRequest req, Optional<ConfigSnapshot> snap, RequestTelemetry tx) {
        if (snap.isEmpty()) {
            return UpstreamCall.local(503, ResponseFlag.NCF, "the edge has no configuration yet");
        }
        Optional<RouteTable> table = snap.get().listener(MeshNames.EDGE_LISTENER);
        if (table.isEmpty()) {
            return UpstreamCall.local(404, ResponseFlag.NR, "listener " + MeshNames.EDGE_LISTENER + " is not configured");
        }
        Compiled c = compiled(snap.get());
        String path = PathNormalizer.normalize(req.path().rawPath());
        String authority = Optional.ofNullable(req.authority()).orElse("").toLowerCase(Locale.ROOT);
        String method = req.prologue().method().text();
        Optional<Route> route = table.get().match(authority, new View(method, path, req));
        if (route.isEmpty()) {
            return UpstreamCall.local(404, ResponseFlag.NR, "no route for " + authority + path);
        }
        tx.routed(route.get().name());
        EdgeRequest er = EdgeRequest.create(method, authority, route.get().rewrite(path), req.query().rawValue(),
                headers(req, c.trusted(), tx.requestId()), req.content().hasEntity() ? req.content().inputStream() : null,
                req.remotePeer().host(), req.isSecure(), route.get().name(), DEFAULT_MAX_BODY);
        EdgeFilter[] chain = c.chains().computeIfAbsent(route.get(),
                r -> EdgeFilters.chain(r.name(), r.edgeFilters(), runtime));
        return run(chain, 0, er, new UpstreamCall(client, snap.get(), route.get(), tx, mesh));
    }

    private static EdgeResponse run(EdgeFilter[] chain, int i, EdgeRequest req, EdgeFilter.Chain end) {
        if (i == chain.length) {
            return end.proceed(req);
        }
        try {
            return chain[i].filter(req, r -> run(chain, i + 1, r, end));
        } catch (ProblemException e) {
            return e.toResponse();
        }
    }

    private Compiled compiled(ConfigSnapshot snap) {
        Compiled c = compiled;
        if (c != null && c.snapshot() == snap) {
            return c;
        }
        Set<HeaderName> trusted = Optional.ofNullable(snap.sources().listeners().get(MeshNames.EDGE_LISTENER))
                .map(ListenerSpec::routeConfigName).map(n -> snap.sources().routes().get(n))
                .map(EdgeFilters::trustedHeaders).orElse(Set.of());
        Compiled fresh = new Compiled(snap, trusted, new ConcurrentHashMap<>());
        compiled = fresh; // a racing thread may build its own for the same snapshot; both are correct
        return fresh;
    }

    private static WritableHeaders<?> headers(ServerRequest req, Set<HeaderName> trusted, String requestId) {
        var in = req.headers();
        WritableHeaders<?> h = WritableHeaders.create();
        String options = HopByHop.connectionOptions(in);
        for (Header header : in) {
            if (!HopByHop.drop(header, options) && !trusted.contains(header.headerName())) {
                h.add(header);
            }
        }
        String peer = req.remotePeer().host();
        h.set(HeaderNames.X_FORWARDED_FOR, in.first(HeaderNames.X_FORWARDED_FOR).map(v -> v + ", " + peer).orElse(peer));
        h.set(HeaderNames.X_FORWARDED_PROTO, req.isSecure() ? "https" : "http");
        if (!in.contains(REQUEST_ID)) {
            h.set(REQUEST_ID, requestId);
        }
        return h;
    }

    private static void write(EdgeResponse out, ServerResponse res) {
        try (out) {
            res.status(Status.create(out.status()));
            for (Header h : out.headers()) {
                res.header(h);
            }
            if (!out.isStreaming()) {
                res.send(out.bodyBytes(Long.MAX_VALUE));
                return;
            }
            try (InputStream body = out.bodyStream(); OutputStream os = res.outputStream()) {
                body.transferTo(os);
            }
        } catch (IOException | UncheckedIOException e) {
            // The response has started; all a proxy can do is cut the connection so the caller sees it.
            throw new UncheckedIOException("upstream reset mid-response", e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Route matching reads the normalized path, not the raw one. */
    private record View(String method, String path, ServerRequest req) implements RequestView {
        @Override
        public String header(String lowerCaseName) {
            return req.headers().first(HeaderNames.create(lowerCaseName)).orElse(null);
        }

        @Override
        public String queryParam(String name) {
            return req.query().first(name).orElse(null);
        }
    }
}
