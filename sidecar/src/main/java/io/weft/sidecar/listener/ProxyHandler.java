package io.weft.sidecar.listener;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.Forwarder;
import io.weft.sidecar.upstream.HopByHop;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The entry of every request on one listener: reads the current snapshot once, routes by authority
 * and request, then runs the route's filter chain whose end is the route's action. Requests it
 * cannot route are answered here with a response flag. Every exchange goes to the access log.
 */
public final class ProxyHandler implements Handler {
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName XFF = HeaderNames.X_FORWARDED_FOR;
    private static final HeaderName XFP = HeaderNames.X_FORWARDED_PROTO;
    private static final HeaderName XFH = HeaderNames.X_FORWARDED_HOST;

    private final String listenerName;
    private final SnapshotHolder snapshots;
    private final Forwarder forwarder;
    private final AccessLog accessLog;
    private final Ingress ingress;
    private volatile Bound bound = new Bound(null, Upstreams.NONE);

    /** The sub-request client of the latest snapshot, made once per snapshot. */
    private record Bound(ConfigSnapshot snapshot, Upstreams upstreams) {
    }

    public ProxyHandler(String listenerName, SnapshotHolder snapshots, Forwarder forwarder, AccessLog accessLog) {
        this(listenerName, snapshots, forwarder, accessLog, Ingress.PASS);
    }

    public ProxyHandler(String listenerName, SnapshotHolder snapshots, Forwarder forwarder, AccessLog accessLog,
                        Ingress ingress) {
        this.listenerName = Objects.requireNonNull(listenerName, "listenerName");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
        this.ingress = Objects.requireNonNull(ingress, "ingress");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        RequestTarget target = RequestTarget.of(req);
        String rawQuery = req.query().rawValue();
        String path = target.path();
        LocalReplyException refused = null;
        try {
            path = ingress.path(path);
        } catch (LocalReplyException e) {
            refused = e;
        }
        String routedPath = path;
        Optional<ConfigSnapshot> snap = snapshots.current();
        Optional<RouteTable> table = snap.flatMap(s -> s.listener(listenerName));
        Optional<Route> route = refused != null ? Optional.empty()
                : table.flatMap(t -> t.match(target.authority(), new View(req, routedPath)));
        String id = requestId(req);
        WritableHeaders<?> upstreamHeaders = upstreamHeaders(req, target.authority(), id);
        snap.ifPresent(s -> ingress.upstreamHeaders(s, req, upstreamHeaders));
        String pathAndQuery = rawQuery.isEmpty() ? path : path + "?" + rawQuery;
        Exchange ex = new Exchange(req, res, listenerName, route.map(Route::name).orElse(""), target.authority(),
                path, rawQuery, id, upstreamHeaders, route.map(r -> r.rewrite(pathAndQuery)).orElse(pathAndQuery),
                ingress.localReply(), start);
        try {
            if (refused != null) {
                ex.respond(refused);
            } else if (snap.isEmpty()) {
                ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.NCF, "proxy has no configuration yet");
            } else if (table.isEmpty()) {
                ex.respond(Status.NOT_FOUND_404, ResponseFlag.NR, "listener " + listenerName + " is not configured");
            } else if (route.isEmpty()) {
                ex.respond(Status.NOT_FOUND_404, ResponseFlag.NR, "no route for " + target.authority() + path);
            } else {
                Route r = route.get();
                ConfigSnapshot s = snap.get();
                ingress.begin(ex);
                ex.upstreams(upstreams(s));
                ex.run(r.filters(), e -> forwarder.forward(e, r, s));
            }
        } catch (LocalReplyException e) {
            if (ex.responded()) {
                throw e;
            }
            ex.respond(e);
        } finally {
            accessLog.log(ex);
        }
    }

    private Upstreams upstreams(ConfigSnapshot s) {
        Bound b = bound;
        if (b.snapshot() != s) {
            b = new Bound(s, forwarder.upstreams(s));
            bound = b; // a racing thread may make its own for the same snapshot; both are correct
        }
        return b.upstreams();
    }

    private static String requestId(ServerRequest req) {
        Optional<String> id = req.headers().first(REQUEST_ID);
        if (id.isPresent()) {
            return id.get();
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // A version-4 UUID from a fast non-blocking source; request ids need uniqueness, not secrecy.
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | Long.MIN_VALUE).toString();
    }

    /**
     * The request's fields less hop-by-hop ones, Host, framing (the upstream client frames the body
     * itself) and Expect (100-continue is answered hop by hop), plus x-forwarded-* and the request id.
     */
    private static WritableHeaders<?> upstreamHeaders(ServerRequest req, String authority, String requestId) {
        Headers in = req.headers();
        String connection = HopByHop.connectionOptions(in);
        WritableHeaders<?> h = WritableHeaders.create();
        for (Header header : in) {
            String n = header.headerName().lowerCase();
            if (!HopByHop.drop(header, connection) && !n.equals("host") && !n.equals("content-length") && !n.equals("expect")) {
                h.add(header);
            }
        }
        String peer = req.remotePeer().host();
        h.set(XFF, in.first(XFF).map(v -> v + ", " + peer).orElse(peer));
        if (!in.contains(XFP)) {
            h.set(XFP, req.isSecure() ? "https" : "http");
        }
        if (!in.contains(XFH) && !authority.isEmpty()) {
            h.set(XFH, authority);
        }
        if (!in.contains(REQUEST_ID)) {
            h.set(REQUEST_ID, requestId);
        }
        return h;
    }

    private record View(ServerRequest req, String path) implements RequestView {
        @Override
        public String method() {
            return req.prologue().method().text();
        }

        @Override
        public String header(String lowerCaseName) {
            return req.headers().first(HeaderNames.create(lowerCaseName)).orElse(null);
        }
    }
}
