package io.weft.sidecar.upstream;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.route.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The route action that sends a request upstream: picks the cluster and an endpoint, streams the
 * request there and the response back. When it cannot reach an upstream it answers itself with a
 * response flag saying why. Thread-safe.
 */
public final class Forwarder {
    private final WebClient client;

    public Forwarder(WebClient client) {
        this.client = Objects.requireNonNull(client, "client");
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
        ex.upstream(clusterName, endpoint.get().authority(), 1);
        send(ex, route, endpoint.get());
    }

    private void send(Exchange ex, Route route, EndpointSpec ep) {
        ServerRequest req = ex.request();
        HttpClientRequest out = client.method(req.prologue().method())
                .uri(URI.create("http://" + ep.authority() + route.rewrite(ex.upstreamPath())))
                .skipUriEncoding(true)
                .followRedirects(false)
                .keepAlive(true);
        route.timeout().ifPresent(out::readTimeout);
        out.headers(h -> {
            h.from(ex.upstreamHeaders());
            h.set(HeaderNames.HOST, ex.upstreamAuthority());
        });
        HttpClientResponse upstream;
        try {
            if (req.content().hasEntity()) {
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
            fail(ex, e);
            return;
        }
        ServerResponse res = ex.response();
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
            ex.addFlag(ResponseFlag.UC);
            throw new UncheckedIOException("upstream reset mid-response", e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static void fail(Exchange ex, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ConnectException) && !(cause instanceof SocketTimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SocketTimeoutException) {
            ex.respond(Status.GATEWAY_TIMEOUT_504, ResponseFlag.UT, "upstream request timeout");
        } else {
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UF, "upstream connect error: " + cause.getMessage());
        }
    }
}
