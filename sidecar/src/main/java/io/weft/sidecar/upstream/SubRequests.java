package io.weft.sidecar.upstream;

import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * {@link Upstreams} over one snapshot's clusters and the proxy's upstream clients: the cluster's
 * balancer picks the endpoint, the cluster's protocol picks HTTP/1.1 or HTTP/2, and the whole body is
 * read within the call's deadline. Immutable and thread-safe.
 */
record SubRequests(ConfigSnapshot snapshot, Http1Client http1, Http2Upstream http2, GrpcForwarder grpc) implements Upstreams {
    @Override
    public GrpcReply grpc(GrpcCall call) {
        EndpointSpec ep = endpoint(call.cluster());
        return grpc.unary(new InetSocketAddress(ep.address(), ep.port()), call);
    }

    private EndpointSpec endpoint(String clusterName) {
        return snapshot.cluster(clusterName)
                .orElseThrow(() -> new Failure(503, ResponseFlag.NC, "cluster " + clusterName + " not found"))
                .pick().orElseThrow(() -> new Failure(503, ResponseFlag.UH, "no healthy upstream in " + clusterName));
    }

    @Override
    public Reply send(Call call) {
        UpstreamCluster cluster = snapshot.cluster(call.cluster())
                .orElseThrow(() -> new Failure(503, ResponseFlag.NC, "cluster " + call.cluster() + " not found"));
        EndpointSpec ep = cluster.pick()
                .orElseThrow(() -> new Failure(503, ResponseFlag.UH, "no healthy upstream in " + call.cluster()));
        UpstreamRequest req = new UpstreamRequest(call.method(), call.pathAndQuery(), call.authority(), call.headers(),
                call.body().length == 0 ? UpstreamRequest.Body.NONE : new UpstreamRequest.Body.Bytes(call.body()));
        InetSocketAddress address = new InetSocketAddress(ep.address(), ep.port());
        if (System.nanoTime() >= call.deadlineNanos()) {
            throw new Failure(504, ResponseFlag.UT, "no time left to call " + call.cluster());
        }
        try (UpstreamResponse up = cluster.spec().protocol() == ClusterSpec.Protocol.HTTP2
                ? http2.send(address, req, false, call.deadlineNanos())
                : http1.send(address, req, (int) cluster.spec().connectTimeout().toMillis(), call.deadlineNanos())) {
            byte[] body = read(up.body(), call.maxBodyBytes(), ep);
            return new Reply(up.status(), up.head().first("content-type"), body, ep.authority());
        } catch (UpstreamException e) {
            throw switch (e.kind()) {
                case TIMEOUT -> new Failure(504, ResponseFlag.UT, "upstream request timeout: " + e.getMessage());
                case CONNECT_FAILURE -> new Failure(503, ResponseFlag.UF, "upstream connect error: " + e.getMessage());
                case RESET -> new Failure(503, ResponseFlag.UR, e.getMessage());
                case PROTOCOL_ERROR -> new Failure(502, ResponseFlag.UR, e.getMessage());
            };
        }
    }

    private static byte[] read(InputStream in, int max, EndpointSpec ep) {
        try {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new Failure(502, ResponseFlag.UR, "response from " + ep.authority() + " larger than " + max + " bytes");
            }
            return b;
        } catch (SocketTimeoutException e) {
            throw new Failure(504, ResponseFlag.UT, "upstream request timeout reading from " + ep.authority());
        } catch (IOException | UncheckedIOException e) {
            throw new Failure(502, ResponseFlag.UC, "response from " + ep.authority() + " broke off: " + e.getMessage());
        }
    }
}
