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
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.telemetry.ListenerTelemetry;
import io.weft.sidecar.telemetry.RequestTelemetry;
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
    private final AccessLog accessLog;
    private final ListenerStats stats;
    private final Drain drain;
    private final boolean inbound;
    private final ListenerTelemetry telemetry;
    private volatile Optional<OnDemand> onDemand = Optional.empty();
    private final Ingress ingress;

    /**
     * @param inbound whether this listener takes traffic for the local app (drained first on shutdown)
     */
    public ProxyHandler(String listenerName, SnapshotHolder snapshots, AccessLog accessLog, ListenerStats stats, Drain drain,
                        boolean inbound, ListenerTelemetry telemetry) {
        this(listenerName, snapshots, accessLog, stats, drain, inbound, telemetry, Ingress.PASS);
    }

    /**
     * @param inbound whether this listener takes traffic for the local app (drained first on shutdown)
     * @param ingress what this kind of listener does around routing (the edge's path rules and error format)
     */
    public ProxyHandler(String listenerName, SnapshotHolder snapshots, AccessLog accessLog, ListenerStats stats, Drain drain,
                        boolean inbound, ListenerTelemetry telemetry, Ingress ingress) {
        this.listenerName = Objects.requireNonNull(listenerName, "listenerName");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.drain = Objects.requireNonNull(drain, "drain");
        this.inbound = inbound;
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.ingress = Objects.requireNonNull(ingress, "ingress");
    }

    /** Enables on-demand discovery of unknown hosts on this listener (the outbound listener). */
    public ProxyHandler onDemand(OnDemand od) {
        this.onDemand = Optional.of(od);
        return this;
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
        if (refused == null && route.isEmpty() && onDemand.isPresent() && table.isPresent()
                && table.get().host(target.authority()).isEmpty()) {
            Optional<ConfigSnapshot> fresh = onDemand.get().resolve(target.authority());
            if (fresh.isPresent()) {
                snap = fresh;
                table = fresh.get().listener(listenerName);
                route = table.flatMap(t -> t.match(target.authority(), new View(req, routedPath)));
            }
        }
        String id = requestId(req);
        RequestTelemetry tx = telemetry.begin(req, snap, target.authority(), path, id);
        route.ifPresent(r -> tx.routed(r.name()));
        WritableHeaders<?> upstreamHeaders = upstreamHeaders(req, target.authority(), id);
        snap.ifPresent(s -> ingress.upstreamHeaders(s, req, upstreamHeaders));
        Exchange ex = new Exchange(req, res, listenerName, route.map(Route::name).orElse(""), target.authority(),
                path, rawQuery, id, upstreamHeaders, rawQuery.isEmpty() ? path : path + "?" + rawQuery,
                ingress.localReply(), start);
        ex.attribute(Forwarder.TELEMETRY, tx);
        String traceId = tx.traceId();
        ex.onResponse((status, headers) -> headers.set(ListenerTelemetry.TRACE_ID, traceId)); // replaces the upstream's
        drain.enter(inbound);
        try {
            ingress.begin(ex);
            if (inbound && drain.draining()) {
                res.header(HeaderNames.CONNECTION, "close"); // callers move their connections elsewhere
            }
            if (refused != null) {
                ex.respond(refused);
            } else if (inbound && drain.inboundClosed()) {
                ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.DR, "this proxy is shutting down");
            } else if (snap.isEmpty()) {
                ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.NCF, "proxy has no configuration yet");
            } else if (table.isEmpty()) {
                ex.respond(Status.NOT_FOUND_404, ResponseFlag.NR, "listener " + listenerName + " is not configured");
            } else if (route.isEmpty()) {
                ex.respond(Status.NOT_FOUND_404, ResponseFlag.NR, "no route for " + target.authority() + path);
            } else {
                ex.upstreams(snap.get().upstreams());
                ex.run(route.get().filters(), route.get().action());
            }
        } catch (LocalReplyException e) {
            if (ex.responded()) {
                throw e;
            }
            ex.respond(e);
        } finally {
            drain.exit(inbound);
            stats.record(ex);
            tx.outcome(ex.status(), ex.flags(), ex.notes().getOrDefault("detail", ""), ex.cluster(), ex.upstreamHost());
            // Body sizes as framed by content-length; chunked bodies count as 0 (a counting stream would
            // change the response's framing).
            tx.bytes(ex.requestHeaders().contentLength().orElse(0), res.headers().contentLength().orElse(0));
            tx.finish();
            accessLog.log(ex);
        }
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

        @Override
        public String queryParam(String name) {
            return req.query().first(name).orElse(null);
        }
    }
}
