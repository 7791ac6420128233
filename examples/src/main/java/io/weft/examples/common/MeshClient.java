package io.weft.examples.common;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * How an example app calls other services: plain HTTP to {@code http://<service>/...}, with its sidecar
 * as the HTTP proxy. The only mesh duty an app keeps is to copy the request-context headers of the
 * incoming request onto its outgoing calls, so one trace spans the whole call graph (as with Istio).
 */
public final class MeshClient {
    private static final List<HeaderName> CONTEXT = List.of(HeaderNames.create("x-request-id"),
            HeaderNames.create("traceparent"), HeaderNames.create("tracestate"), HeaderNames.create("baggage"),
            HeaderNames.create("b3"), HeaderNames.create("x-b3-traceid"), HeaderNames.create("x-b3-spanid"),
            HeaderNames.create("x-b3-parentspanid"), HeaderNames.create("x-b3-sampled"));

    private final HttpClient http;

    /** @param outboundPort the sidecar's outbound port, read on every call */
    public MeshClient(IntSupplier outboundPort) {
        this.http = HttpClient.newBuilder()
                .proxy(new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", outboundPort.getAsInt())));
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                    }
                })
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public HttpResponse<String> get(ServerRequest incoming, String url) throws IOException, InterruptedException {
        return send(incoming, HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpResponse<String> post(ServerRequest incoming, String url, String json) throws IOException, InterruptedException {
        return send(incoming, HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> send(ServerRequest incoming, HttpRequest.Builder b) throws IOException, InterruptedException {
        b.timeout(Duration.ofSeconds(10));
        for (HeaderName h : CONTEXT) {
            incoming.headers().first(h).ifPresent(v -> b.header(h.defaultCase(), v));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
