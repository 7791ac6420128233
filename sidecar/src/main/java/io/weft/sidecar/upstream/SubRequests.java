package io.weft.sidecar.upstream;

import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import io.weft.sidecar.upstream.client.UpstreamTls;
import io.weft.sidecar.tls.MeshTls;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Upstreams} over one snapshot's clusters and the proxy's upstream clients: the cluster's
 * balancer picks the endpoint (outlier ejection and health included, and the outcome is counted for
 * them), the cluster's protocol picks HTTP/1.1 or HTTP/2, and the whole body is read within the call's
 * deadline. Sub-requests are not retried. Immutable and thread-safe.
 */
record SubRequests(Map<String, UpstreamCluster> clusters, Http1Client http1, Http2Upstream http2, GrpcForwarder grpc,
                   Optional<MeshTls> mesh) implements Upstreams {
    @Override
    public GrpcReply grpc(GrpcCall call) {
        UpstreamCluster cluster = cluster(call.cluster());
        if (cluster.spec().tls().isPresent()) {
            throw new Failure(503, ResponseFlag.UF, "cluster " + cluster.name()
                    + " requires mTLS, which transcoded gRPC calls do not speak yet");
        }
        EndpointState ep = endpoint(cluster);
        ep.inflight.incrementAndGet();
        long start = System.nanoTime();
        GrpcReply reply = null;
        try {
            reply = grpc.unary(ep.address(), call);
            return reply;
        } finally {
            ep.inflight.decrementAndGet();
            cluster.state().recordAttempt(ep, reply == null || reply.code() == io.grpc.Status.Code.UNAVAILABLE.value()
                    ? OutlierDetector.Outcome.GATEWAY_ERROR : OutlierDetector.Outcome.SUCCESS, System.nanoTime() - start);
        }
    }

    private UpstreamCluster cluster(String name) {
        UpstreamCluster c = clusters.get(name);
        if (c == null) {
            throw new Failure(503, ResponseFlag.NC, "cluster " + name + " not found");
        }
        return c;
    }

    private static EndpointState endpoint(UpstreamCluster c) {
        return c.pick(ThreadLocalRandom.current().nextLong(), null)
                .orElseThrow(() -> new Failure(503, ResponseFlag.UH, "no healthy upstream in " + c.name()));
    }

    @Override
    public Reply send(Call call) {
        UpstreamCluster cluster = cluster(call.cluster());
        Optional<UpstreamTls> tls = Optional.empty();
        if (cluster.spec().tls().isPresent()) {
            if (mesh.isEmpty()) {
                throw new Failure(503, ResponseFlag.UF, "cluster " + cluster.name()
                        + " requires mTLS but this proxy has no workload certificate");
            }
            tls = Optional.of(mesh.get().upstream(cluster.spec().tls().get().peers()));
        }
        EndpointState ep = endpoint(cluster);
        UpstreamRequest req = new UpstreamRequest(call.method(), call.pathAndQuery(), call.authority(), call.headers(),
                call.body().length == 0 ? UpstreamRequest.Body.NONE : new UpstreamRequest.Body.Bytes(call.body()));
        if (System.nanoTime() >= call.deadlineNanos()) {
            throw new Failure(504, ResponseFlag.UT, "no time left to call " + call.cluster());
        }
        ep.inflight.incrementAndGet();
        long start = System.nanoTime();
        OutlierDetector.Outcome outcome = OutlierDetector.Outcome.LOCAL_FAILURE;
        try (UpstreamResponse up = cluster.spec().protocol() == ClusterSpec.Protocol.HTTP2 && tls.isEmpty()
                ? http2.send(ep.address(), req, false, call.deadlineNanos())
                : http1.send(ep.address(), req, (int) cluster.spec().connectTimeout().toMillis(), call.deadlineNanos(), tls)) {
            outcome = OutlierDetector.classify(up.status());
            byte[] body = read(up.body(), call.maxBodyBytes(), ep.authority());
            return new Reply(up.status(), up.head().first("content-type"), body, ep.authority());
        } catch (UpstreamException e) {
            throw switch (e.kind()) {
                case TIMEOUT -> new Failure(504, ResponseFlag.UT, "upstream request timeout: " + e.getMessage());
                case CONNECT_FAILURE -> new Failure(503, ResponseFlag.UF, "upstream connect error: " + e.getMessage());
                case RESET -> new Failure(503, ResponseFlag.UR, e.getMessage());
                case PROTOCOL_ERROR -> new Failure(502, ResponseFlag.UR, e.getMessage());
            };
        } finally {
            ep.inflight.decrementAndGet();
            cluster.state().recordAttempt(ep, outcome, System.nanoTime() - start);
        }
    }

    private static byte[] read(InputStream in, int max, String endpoint) {
        try {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new Failure(502, ResponseFlag.UR, "response from " + endpoint + " larger than " + max + " bytes");
            }
            return b;
        } catch (SocketTimeoutException e) {
            throw new Failure(504, ResponseFlag.UT, "upstream request timeout reading from " + endpoint);
        } catch (IOException | UncheckedIOException e) {
            throw new Failure(502, ResponseFlag.UC, "response from " + endpoint + " broke off: " + e.getMessage());
        }
    }
}
