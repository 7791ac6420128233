package io.weft.sidecar.edge;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.upstream.HopByHop;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.telemetry.RequestTelemetry;
import io.weft.sidecar.upstream.UpstreamCluster;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Optional;

/**
 * The end of every edge chain: picks the route's cluster and an endpoint, sends the (possibly
 * rewritten) request and hands back the upstream's response still streaming. When no upstream can
 * be reached it answers 503/504 itself, as problem+json with the response flag.
 */
final class UpstreamCall implements EdgeFilter.Chain {
    private final WebClient client;
    private final ConfigSnapshot snapshot;
    private final Route route;
    private final RequestTelemetry telemetry;

    private final Optional<io.weft.sidecar.tls.MeshTls> mesh;

    UpstreamCall(WebClient client, ConfigSnapshot snapshot, Route route, RequestTelemetry telemetry,
                 Optional<io.weft.sidecar.tls.MeshTls> mesh) {
        this.mesh = mesh;
        this.client = client;
        this.snapshot = snapshot;
        this.route = route;
        this.telemetry = telemetry;
    }

    @Override
    public EdgeResponse proceed(EdgeRequest req) {
        Optional<String> picked = route.pickCluster();
        if (picked.isEmpty()) {
            return local(404, ResponseFlag.NR, "route " + route.name() + " does not forward");
        }
        String clusterName = picked.get();
        Optional<UpstreamCluster> cluster = snapshot.cluster(clusterName);
        if (cluster.isEmpty()) {
            return local(503, ResponseFlag.NC, "cluster " + clusterName + " not found");
        }
        Optional<EndpointSpec> ep = cluster.get().pick();
        if (ep.isEmpty()) {
            telemetry.cluster(clusterName);
            return local(503, ResponseFlag.UH, "no healthy upstream in " + clusterName);
        }
        var tls = cluster.get().spec().tls();
        if (tls.isPresent() && mesh.isEmpty()) {
            return local(503, ResponseFlag.UF, "cluster " + clusterName + " requires mTLS but the edge has no workload certificate");
        }
        RequestTelemetry.Attempt attempt = telemetry.attempt(clusterName, ep.get().address(), ep.get().port());
        String target = req.path() + (req.rawQuery().isEmpty() ? "" : "?" + req.rawQuery());
        HttpClientRequest out = client.method(Method.create(req.method()))
                .uri(URI.create((tls.isPresent() ? "https://" : "http://") + ep.get().authority() + target))
                .skipUriEncoding(true)
                .followRedirects(false)
                .keepAlive(true);
        route.timeout().ifPresent(out::readTimeout);
        tls.ifPresent(t -> out.tls(mesh.orElseThrow().helidonUpstream(t.peers())));
        out.headers(h -> {
            for (Header header : req.headers()) {
                h.set(header);
            }
            attempt.inject(h);
        });
        HttpClientResponse upstream;
        try {
            Optional<InputStream> body = req.bodyForUpstream();
            if (body.isPresent()) {
                upstream = out.outputStream(os -> {
                    try (InputStream in = body.get()) {
                        in.transferTo(os);
                    }
                    os.close();
                });
            } else {
                upstream = out.request();
            }
        } catch (RuntimeException e) {
            EdgeResponse failure = failed(e);
            attempt.fail(failure.headers().first(HeaderNames.create(ResponseFlag.HEADER)).orElse("UF"), String.valueOf(e.getMessage()));
            return failure;
        }
        attempt.end(upstream.status().code());
        WritableHeaders<?> headers = WritableHeaders.create();
        String options = HopByHop.connectionOptions(upstream.headers());
        for (Header h : upstream.headers()) {
            if (!HopByHop.drop(h, options)) {
                headers.add(h);
            }
        }
        return EdgeResponse.streaming(upstream.status().code(), headers, upstream.inputStream(), upstream::close);
    }

    private static EdgeResponse failed(RuntimeException e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof ProblemException p) {
                return p.toResponse();
            }
            if (cause instanceof SocketTimeoutException) {
                return local(504, ResponseFlag.UT, "upstream request timeout");
            }
            if (cause instanceof ConnectException) {
                break;
            }
            cause = cause.getCause();
        }
        return local(503, ResponseFlag.UF, "upstream connect error: " + (cause == null ? e.getMessage() : cause.getMessage()));
    }

    static EdgeResponse local(int status, ResponseFlag flag, String detail) {
        EdgeResponse r = Problem.response(status, status == 504 ? "Gateway Timeout"
                : status == 404 ? "Not Found" : "Service Unavailable", detail);
        r.headers().set(HeaderNames.create(ResponseFlag.HEADER), flag.name());
        return r;
    }
}
