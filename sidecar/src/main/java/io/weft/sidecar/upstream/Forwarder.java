package io.weft.sidecar.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The route action that sends a request upstream: picks the cluster and an endpoint, streams the
 * request there and the response back. When it cannot reach an upstream it answers itself with a
 * response flag saying why. Thread-safe.
 */
public final class Forwarder {
    /** Request bodies up to this size are read whole, so they go out with the head and can be resent. */
    static final int REPLAY_BUFFER = 64 * 1024;

    private final Http1Client http1;
    private final Http2Upstream http2;
    private final GrpcForwarder grpc;

    public Forwarder(Http1Client http1, Http2Upstream http2, GrpcForwarder grpc) {
        this.http1 = Objects.requireNonNull(http1, "http1");
        this.http2 = Objects.requireNonNull(http2, "http2");
        this.grpc = Objects.requireNonNull(grpc, "grpc");
    }

    /** Requests filters make on their own, to the clusters of {@code snapshot}. */
    public Upstreams upstreams(ConfigSnapshot snapshot) {
        return new SubRequests(snapshot, http1, http2, grpc);
    }

    /** Forwards the exchange along {@code route} using the clusters of {@code snapshot}. */
    public void forward(Exchange ex, Route route, ConfigSnapshot snapshot) {
        String clusterName = route.pickCluster();
        Optional<UpstreamCluster> cluster = snapshot.cluster(clusterName);
        if (cluster.isEmpty()) {
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.NC, "cluster " + clusterName + " not found");
            return;
        }
        Optional<EndpointSpec> endpoint = cluster.get().pick();
        if (endpoint.isEmpty()) {
            ex.upstream(clusterName, "", 0);
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UH, "no healthy upstream in " + clusterName);
            return;
        }
        EndpointSpec ep = endpoint.get();
        ex.upstream(clusterName, ep.authority(), 1);
        long deadline = route.timeout().map(t -> System.nanoTime() + t.toNanos()).orElse(0L);
        if (isGrpc(ex) && !ex.request().prologue().protocolVersion().equals("1.1")) {
            grpc.forward(ex, new InetSocketAddress(ep.address(), ep.port()), deadline);
            return;
        }
        UpstreamRequest req;
        try {
            req = new UpstreamRequest(ex.method(), ex.upstreamPath(), ex.upstreamAuthority(),
                    ex.upstreamHeaders(), body(ex));
        } catch (IOException e) {
            ex.addFlag(ResponseFlag.DC);
            throw new UncheckedIOException("reading the request body from the client", e);
        }
        int connectMillis = (int) cluster.get().spec().connectTimeout().toMillis();
        UpstreamResponse up;
        try {
            InetSocketAddress address = new InetSocketAddress(ep.address(), ep.port());
            up = useHttp2(ex, cluster.get().spec().protocol())
                    ? http2.send(address, req, trailersAccepted(ex), deadline)
                    : http1.send(address, req, connectMillis, deadline);
        } catch (UpstreamException e) {
            fail(ex, e);
            return;
        }
        try (up) {
            ResponseRelay.relay(up, ex, req.method().equals("HEAD"), trailersAccepted(ex));
        } catch (IOException | UncheckedIOException e) {
            // The response has started; all a proxy can do is cut the connection so the caller sees it.
            up.abort();
            ex.addFlag(ResponseFlag.UC);
            throw new UncheckedIOException("upstream " + ep.authority() + " broke off the response",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /** The request body: a filter's bytes, none, read whole when small and of known length, else streamed. */
    private static UpstreamRequest.Body body(Exchange ex) throws IOException {
        Optional<byte[]> filtered = ex.bufferedRequestBody();
        if (filtered.isPresent()) {
            return filtered.get().length == 0 && !ex.request().content().hasEntity()
                    ? UpstreamRequest.Body.NONE : new UpstreamRequest.Body.Bytes(filtered.get());
        }
        var content = ex.request().content();
        if (!content.hasEntity()) {
            return UpstreamRequest.Body.NONE;
        }
        OptionalLong length = ex.requestHeaders().contentLength();
        InputStream in = content.inputStream();
        if (length.isPresent() && length.getAsLong() <= REPLAY_BUFFER) {
            byte[] bytes = in.readNBytes((int) length.getAsLong());
            return new UpstreamRequest.Body.Bytes(bytes);
        }
        return new UpstreamRequest.Body.Stream(in, length.orElse(-1));
    }

    private static void fail(Exchange ex, UpstreamException e) {
        switch (e.kind()) {
            case TIMEOUT -> ex.respond(Status.GATEWAY_TIMEOUT_504, ResponseFlag.UT, "upstream request timeout");
            case CONNECT_FAILURE -> ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UF,
                    "upstream connect error: " + e.getMessage());
            case RESET -> ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UR, e.getMessage());
            case PROTOCOL_ERROR -> ex.respond(Status.BAD_GATEWAY_502, ResponseFlag.UR, e.getMessage());
        }
    }

    private static boolean useHttp2(Exchange ex, ClusterSpec.Protocol protocol) {
        return switch (protocol) {
            case HTTP2 -> true;
            case DOWNSTREAM -> !ex.request().prologue().protocolVersion().equals("1.1") || isGrpc(ex);
            case HTTP1 -> isGrpc(ex);
        };
    }

    private static boolean trailersAccepted(Exchange ex) {
        return !ex.request().prologue().protocolVersion().equals("1.1")
                || ex.header(HeaderNames.TE).map(v -> v.toLowerCase(java.util.Locale.ROOT).contains("trailers")).orElse(false);
    }

    static boolean isGrpc(Exchange ex) {
        return ex.header(HeaderNames.CONTENT_TYPE).map(v -> v.startsWith("application/grpc")).orElse(false);
    }
}
