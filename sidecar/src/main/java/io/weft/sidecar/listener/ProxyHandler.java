package io.weft.sidecar.listener;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.model.UpstreamTlsSpec;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.config.SnapshotHolder;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.route.RouteTable;
import io.weft.sidecar.upstream.UpstreamCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Proxies every request of one listener: reads the current snapshot once, routes by host and
 * request, picks an endpoint and streams the request and response through. When it cannot reach an
 * upstream it answers itself, with a response flag saying why.
 */
public final class ProxyHandler implements Handler {
    private static final HeaderName FLAGS = HeaderNames.create(ResponseFlags.HEADER);
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName XFF = HeaderNames.X_FORWARDED_FOR;
    private static final HeaderName XFP = HeaderNames.X_FORWARDED_PROTO;

    private final String listenerName;
    private final SnapshotHolder snapshots;
    private final WebClient client;
    private final Optional<MeshTls> tls;

    public ProxyHandler(String listenerName, SnapshotHolder snapshots, WebClient client) {
        this(listenerName, snapshots, client, Optional.empty());
    }

    /** @param tls this proxy's mesh TLS, when it has a workload certificate */
    public ProxyHandler(String listenerName, SnapshotHolder snapshots, WebClient client, Optional<MeshTls> tls) {
        this.listenerName = Objects.requireNonNull(listenerName, "listenerName");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.client = Objects.requireNonNull(client, "client");
        this.tls = Objects.requireNonNull(tls, "tls");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Optional<ConfigSnapshot> snap = snapshots.current();
        if (snap.isEmpty()) {
            local(res, Status.SERVICE_UNAVAILABLE_503, ResponseFlags.NCF, "proxy has no configuration yet");
            return;
        }
        Optional<RouteTable> table = snap.get().listener(listenerName);
        if (table.isEmpty()) {
            local(res, Status.NOT_FOUND_404, ResponseFlags.NR, "listener " + listenerName + " is not configured");
            return;
        }
        RequestTarget target = RequestTarget.of(req);
        Optional<SpiffeId> peer = Optional.empty();
        if (listenerName.equals(MeshNames.INBOUND_LISTENER)) {
            peer = MeshTls.peer(req.remotePeer().tlsCertificates());
            if (!InboundSecurity.authorize(snap.get(), peer, req, target.path(), res)) {
                return;
            }
        }
        Optional<Route> route = table.get().match(target.authority(), new View(req, target.path()));
        if (route.isEmpty()) {
            local(res, Status.NOT_FOUND_404, ResponseFlags.NR, "no route for " + target.authority() + target.path());
            return;
        }
        String clusterName = route.get().pickCluster();
        Optional<UpstreamCluster> cluster = snap.get().cluster(clusterName);
        if (cluster.isEmpty()) {
            local(res, Status.SERVICE_UNAVAILABLE_503, ResponseFlags.NC, "cluster " + clusterName + " not found");
            return;
        }
        Optional<EndpointSpec> endpoint = cluster.get().pick();
        if (endpoint.isEmpty()) {
            local(res, Status.SERVICE_UNAVAILABLE_503, ResponseFlags.UH, "no healthy upstream in " + clusterName);
            return;
        }
        Optional<UpstreamTlsSpec> upstreamTls = cluster.get().spec().tls();
        if (upstreamTls.isPresent() && tls.isEmpty()) {
            local(res, Status.SERVICE_UNAVAILABLE_503, ResponseFlags.UF, "cluster " + clusterName
                    + " requires mTLS but this proxy has no workload certificate");
            return;
        }
        forward(req, res, route.get(), endpoint.get(), target, upstreamTls, peer);
    }

    private void forward(ServerRequest req, ServerResponse res, Route route, EndpointSpec ep, RequestTarget target,
                         Optional<UpstreamTlsSpec> upstreamTls, Optional<SpiffeId> peer) {
        String rawQuery = req.query().rawValue();
        String pathAndQuery = target.path() + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
        HttpClientRequest out = client.method(req.prologue().method())
                .uri(URI.create((upstreamTls.isPresent() ? "https://" : "http://") + ep.authority() + route.rewrite(pathAndQuery)))
                .skipUriEncoding(true)
                .followRedirects(false)
                .keepAlive(true);
        route.timeout().ifPresent(out::readTimeout);
        upstreamTls.ifPresent(u -> out.tls(tls.orElseThrow().upstream(u.peers())));
        copyRequestHeaders(req, out, target.authority());
        if (listenerName.equals(MeshNames.INBOUND_LISTENER)) {
            InboundSecurity.clientCertHeader(out, tls, peer);
        }
        HttpClientResponse upstream;
        try {
            boolean hasBody = req.content().hasEntity();
            if (hasBody) {
                upstream = out.outputStream(os -> {
                    try (InputStream in = req.content().inputStream()) {
                        in.transferTo(os);
                    }
                    os.close();
                });
            } else {
                upstream = out.request();
            }
        } catch (RuntimeException e) {
            failUpstream(res, e);
            return;
        }
        try (upstream) {
            res.status(upstream.status());
            for (Header h : upstream.headers()) {
                if (!HopByHop.drop(h, upstream.headers())) {
                    res.header(h);
                }
            }
            try (InputStream body = upstream.inputStream(); OutputStream os = res.outputStream()) {
                body.transferTo(os);
            }
        } catch (IOException | UncheckedIOException e) {
            // The response has started; all a proxy can do is cut the connection so the caller sees it.
            throw new UncheckedIOException("upstream reset mid-response", e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static void failUpstream(ServerResponse res, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ConnectException) && !(cause instanceof SocketTimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SocketTimeoutException) {
            local(res, Status.GATEWAY_TIMEOUT_504, ResponseFlags.UT, "upstream request timeout");
        } else {
            local(res, Status.SERVICE_UNAVAILABLE_503, ResponseFlags.UF, "upstream connect error: " + cause.getMessage());
        }
    }

    private static void copyRequestHeaders(ServerRequest req, ClientRequest<?> out, String host) {
        var headers = req.headers();
        out.headers(h -> {
            for (Header header : headers) {
                if (!HopByHop.drop(header, headers) && !header.headerName().equals(HeaderNames.HOST)) {
                    h.set(header);
                }
            }
            h.set(HeaderNames.HOST, host);
            String peer = req.remotePeer().host();
            h.set(XFF, headers.first(XFF).map(v -> v + ", " + peer).orElse(peer));
            if (!headers.contains(XFP)) {
                h.set(XFP, req.isSecure() ? "https" : "http");
            }
            if (!headers.contains(REQUEST_ID)) {
                h.set(REQUEST_ID, UUID.randomUUID().toString());
            }
        });
    }

    static void local(ServerResponse res, Status status, ResponseFlags flag, String detail) {
        res.status(status)
                .header(FLAGS, flag.name())
                .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .send(status.code() + " " + status.reasonPhrase() + ": " + detail + "\n");
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
