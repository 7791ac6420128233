package io.weft.sidecar.upstream.client;

import io.helidon.common.tls.Tls;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http2.Http2Client;
import io.helidon.webclient.http2.Http2ClientProtocolConfig;
import io.helidon.webclient.http2.Http2ClientRequest;
import io.helidon.webclient.http2.Http2ClientResponse;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Plain HTTP/2 upstream calls (not gRPC, which goes through {@code GrpcForwarder}) over cleartext with
 * prior knowledge (h2c), multiplexed on one connection per endpoint, on Helidon's HTTP/2 client, for
 * clusters configured for HTTP/2. The request body is sent in full before the response is read.
 * Trailer fields come back only when the upstream announces them in a {@code Trailer} field (a
 * limitation of Helidon's client). Thread-safe.
 */
public final class Http2Upstream implements AutoCloseable {
    private final Http2Client client;

    public Http2Upstream() {
        ContentEncodingContext identity = ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build();
        WebClient web = WebClient.builder()
                .followRedirects(false)
                .contentEncoding(identity)
                .connectTimeout(Duration.ofSeconds(5))
                .tls(Tls.builder().enabled(false).build())
                .addProtocolConfig(Http2ClientProtocolConfig.builder().priorKnowledge(true).ping(false).build())
                .shareConnectionCache(false)
                .build();
        this.client = web.client(Http2Client.PROTOCOL);
    }

    /**
     * Sends one request and waits for the response head.
     *
     * @param te             the downstream asked for trailers ({@code TE: trailers}), as gRPC requires upstream
     * @param deadlineNanos  absolute {@link System#nanoTime()} deadline; 0 for none
     */
    public UpstreamResponse send(InetSocketAddress address, UpstreamRequest req, boolean te, long deadlineNanos)
            throws UpstreamException {
        String endpoint = address.getAddress().getHostAddress() + ":" + address.getPort();
        Http2ClientRequest out = client.method(Method.create(req.method()))
                .uri("http://" + endpoint + req.target())
                .skipUriEncoding(true)
                .priorKnowledge(true)
                .followRedirects(false);
        if (deadlineNanos != 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "upstream " + endpoint + " timed out", false, null);
            }
            out.readTimeout(Duration.ofNanos(left));
        }
        Headers fields = req.headers();
        out.headers(h -> {
            for (Header f : fields) {
                h.add(f);
            }
            h.set(HeaderNames.HOST, req.authority());
            if (te) {
                h.set(HeaderNames.TE, "trailers");
            }
        });
        Http2ClientResponse res;
        try {
            res = switch (req.body()) {
                case UpstreamRequest.Body.None n -> out.request();
                case UpstreamRequest.Body.Bytes b -> out.submit(b.bytes());
                case UpstreamRequest.Body.Stream s -> out.outputStream(os -> {
                    byte[] buf = new byte[16 * 1024];
                    int n;
                    while ((n = readCaller(s.in(), buf)) > 0) {
                        os.write(buf, 0, n);
                    }
                    os.close();
                });
            };
        } catch (DownstreamException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c != null && !(c instanceof DownstreamException)) {
                c = c.getCause();
            }
            if (c instanceof DownstreamException d) {
                throw d;
            }
            throw failure(endpoint, e);
        }
        return new Response(res, endpoint);
    }

    private static int readCaller(java.io.InputStream in, byte[] buf) {
        try {
            return in.read(buf);
        } catch (java.io.IOException | RuntimeException e) {
            throw new DownstreamException("reading the request body from the client: " + e.getMessage(), e);
        }
    }

    private static UpstreamException failure(String endpoint, RuntimeException e) {
        Throwable c = e;
        while (c.getCause() != null && !(c instanceof ConnectException) && !(c instanceof SocketTimeoutException)) {
            c = c.getCause();
        }
        if (c instanceof ConnectException) {
            return new UpstreamException(UpstreamException.Kind.CONNECT_FAILURE, "connect to " + endpoint + ": " + c.getMessage(), false, e);
        }
        if (c instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("imeout")) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, "upstream " + endpoint + " timed out", true, e);
        }
        return new UpstreamException(UpstreamException.Kind.RESET, "upstream " + endpoint + " failed: " + e.getMessage(), true, e);
    }

    @Override
    public void close() {
        client.closeResource();
    }

    private static final class Response implements UpstreamResponse {
        private final Http2ClientResponse res;
        private final String endpoint;
        private final ResponseHead head;
        private final InputStream body;
        private boolean bodyDone;

        Response(Http2ClientResponse res, String endpoint) {
            this.res = res;
            this.endpoint = endpoint;
            this.head = toHead(res.status().code(), res.headers());
            InputStream in = res.inputStream();
            this.body = new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    int n = super.read(b, off, len);
                    if (n < 0) {
                        bodyDone = true;
                    }
                    return n;
                }
            };
        }

        private static ResponseHead toHead(int status, Headers h) {
            ResponseHead out = new ResponseHead(status);
            for (Header f : h) {
                String name = f.headerName().lowerCase();
                if (f.valueCount() == 1) {
                    out.add(name, f.get());
                } else {
                    f.allValues().forEach(v -> out.add(name, v));
                }
            }
            return out;
        }

        @Override
        public ResponseHead head() {
            return head;
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public OptionalLong contentLength() {
            return res.headers().contentLength();
        }

        @Override
        public boolean trailersPossible() {
            return true;
        }

        @Override
        public Optional<ResponseHead> trailers() {
            if (!bodyDone) {
                return Optional.empty();
            }
            try {
                ResponseHead t = toHead(0, res.trailers());
                return t.size() == 0 ? Optional.empty() : Optional.of(t);
            } catch (RuntimeException e) {
                return Optional.empty(); // Helidon: no trailers unless announced in the head
            }
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        @Override
        public void close() {
            res.close();
        }

        @Override
        public void abort() {
            res.close();
        }
    }
}
