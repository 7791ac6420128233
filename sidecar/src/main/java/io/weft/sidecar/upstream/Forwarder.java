package io.weft.sidecar.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Upstreams;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.RetryPolicySpec;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.RouteCompiler;
import io.weft.sidecar.telemetry.RequestTelemetry;
import io.weft.sidecar.upstream.client.Http1Client;
import io.weft.sidecar.upstream.client.Http2Upstream;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import io.weft.sidecar.upstream.client.UpstreamResponse;
import io.weft.sidecar.upstream.grpc.GrpcForwarder;
import io.weft.sidecar.upstream.client.UpstreamTls;
import io.weft.sidecar.tls.MeshTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends requests upstream for every route's forward action: owns the protocol clients (HTTP/1.1
 * pools, HTTP/2, gRPC), makes single attempts (endpoint pick, circuit breaker, outlier and latency
 * accounting) and writes the outcome back, or a local answer with a response flag when there is no
 * usable upstream answer. Thread-safe.
 */
public final class Forwarder {
    /** Request bodies up to this size are read whole, so they go out with the head and can be resent. */
    static final int REPLAY_BUFFER = 64 * 1024;
    private static final Exception GATEWAY_ERROR = new Exception("upstream answered 502, 503 or 504", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** The request's telemetry, set by the listener; each upstream attempt becomes a client span under it. */
    public static final Exchange.Attribute<RequestTelemetry> TELEMETRY =
            Exchange.Attribute.create("weft.telemetry", RequestTelemetry.class);

    private final Http1Client http1;
    private final Optional<MeshTls> mesh;
    private final Http2Upstream http2;
    private final GrpcForwarder grpc;

    public Forwarder(Http1Client http1, Http2Upstream http2, GrpcForwarder grpc) {
        this(http1, http2, grpc, Optional.empty());
    }

    /** @param mesh this proxy's mesh TLS, when it has a workload certificate (clusters may then require mTLS) */
    public Forwarder(Http1Client http1, Http2Upstream http2, GrpcForwarder grpc, Optional<MeshTls> mesh) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        this.http1 = Objects.requireNonNull(http1, "http1");
        this.http2 = Objects.requireNonNull(http2, "http2");
        this.grpc = Objects.requireNonNull(grpc, "grpc");
    }

    /** Requests filters make on their own (aggregation, transcoding), to one snapshot's clusters. */
    public Upstreams upstreams(Map<String, UpstreamCluster> clusters) {
        return new SubRequests(Map.copyOf(clusters), http1, http2, grpc, mesh);
    }

    /** Compiles forward actions against one snapshot's clusters. */
    public RouteCompiler.ForwardFactory actions(Map<String, UpstreamCluster> clusters) {
        return (route, action) -> new ForwardAction(this, route, action, Map.copyOf(clusters));
    }

    /** One attempt: an endpoint by the cluster's policy (avoiding {@code avoid}), the breaker, the call. */
    ForwardAction.Attempt attempt(Exchange ex, UpstreamCluster c, UpstreamRequest req, boolean h2, long hash,
                                  EndpointState avoid, long routeDeadline, long perTryNanos, int number) {
        ClusterState cs = c.state();
        Optional<EndpointState> pick = c.pick(hash, avoid);
        if (pick.isEmpty()) {
            cs.noHealthy.increment();
            return local(ResponseFlag.UH, noHealthy(c), number);
        }
        EndpointState e = pick.get();
        Optional<UpstreamTls> tls = Optional.empty();
        if (c.spec().tls().isPresent()) {
            if (mesh.isEmpty()) {
                return local(ResponseFlag.UF, "cluster " + c.name() + " requires mTLS but this proxy has no workload certificate", number);
            }
            tls = Optional.of(mesh.get().upstream(c.spec().tls().get().peers()));
        }
        Optional<RequestTelemetry.Attempt> span = ex.attribute(TELEMETRY)
                .map(t -> t.attempt(c.name(), e.spec().address(), e.spec().port()));
        span.ifPresent(a -> a.inject(ex.upstreamHeaders())); // the request's headers are the exchange's
        e.inflight.incrementAndGet();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                e.inflight.decrementAndGet();
            }
        };
        long start = System.nanoTime();
        long deadline = perTryNanos <= 0 ? routeDeadline
                : routeDeadline == 0 ? start + perTryNanos : Math.min(routeDeadline, start + perTryNanos);
        try {
            UpstreamResponse r = h2 && tls.isEmpty() ? http2.send(e.address(), req, false, deadline)
                    : http1.send(e.address(), req, (int) c.spec().connectTimeout().toMillis(), deadline, tls);
            long latency = System.nanoTime() - start;
            cs.recordAttempt(e, OutlierDetector.classify(r.status()), latency);
            span.ifPresent(a -> a.end(r.status()));
            return new ForwardAction.Attempt(r, null, e, null, null, number, release);
        } catch (UpstreamException ue) {
            cs.recordAttempt(e, OutlierDetector.Outcome.LOCAL_FAILURE, System.nanoTime() - start);
            span.ifPresent(a -> a.fail(flagOf(ue).name(), ue.getMessage()));
            release.run();
            return new ForwardAction.Attempt(null, ue, e, null, null, number, release);
        }
    }

    static ForwardAction.Attempt local(ResponseFlag flag, String detail, int number) {
        return new ForwardAction.Attempt(null, null, null, flag, detail, number, () -> { });
    }

    /**
     * Records a request's final outcome (after retries) with the cluster's circuit breaker: connect
     * failures, resets, timeouts and 502/503/504 count against it.
     */
    static void recordOutcome(CircuitBreaker cb, ForwardAction.Attempt a, long startNanos) {
        long d = System.nanoTime() - startNanos;
        if (a.failure() != null) {
            cb.onError(d, TimeUnit.NANOSECONDS, a.failure());
        } else if (a.response() != null && OutlierDetector.classify(a.status()) == OutlierDetector.Outcome.GATEWAY_ERROR) {
            cb.onError(d, TimeUnit.NANOSECONDS, GATEWAY_ERROR);
        } else if (a.response() != null) {
            cb.onSuccess(d, TimeUnit.NANOSECONDS);
        } else {
            cb.releasePermission(); // refused locally (no healthy endpoint): says nothing about the upstream
        }
    }

    private static String noHealthy(UpstreamCluster c) {
        int n = 0;
        int ejected = 0;
        int failing = 0;
        int marked = 0;
        for (EndpointState e : c.state().endpoints()) {
            n++;
            ejected += e.ejected() ? 1 : 0;
            failing += e.activeHealthy() ? 0 : 1;
            marked += e.spec().healthy() ? 0 : 1;
        }
        return "no healthy upstream in cluster " + c.name() + " (" + n + " endpoints: " + ejected + " ejected as outliers, "
                + failing + " failing health checks, " + marked + " marked unhealthy by the control plane)";
    }

    private static ResponseFlag flagOf(UpstreamException e) {
        return switch (e.kind()) {
            case TIMEOUT -> ResponseFlag.UT;
            case CONNECT_FAILURE -> ResponseFlag.UF;
            case RESET, PROTOCOL_ERROR -> ResponseFlag.UR;
        };
    }

    /** Writes an attempt's outcome downstream: the upstream response, or a local answer saying why there is none. */
    void finish(Exchange ex, ForwardAction.Attempt a, UpstreamRequest req) {
        if (a.localFlag() != null) {
            ex.respond(Status.SERVICE_UNAVAILABLE_503, a.localFlag(), a.localDetail());
            return;
        }
        if (a.failure() != null) {
            UpstreamException e = a.failure();
            switch (e.kind()) {
                case TIMEOUT -> ex.respond(Status.GATEWAY_TIMEOUT_504, ResponseFlag.UT, "upstream request timeout: " + e.getMessage());
                case CONNECT_FAILURE -> ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UF,
                        "upstream connect error: " + e.getMessage());
                case RESET -> ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UR, e.getMessage());
                case PROTOCOL_ERROR -> ex.respond(Status.BAD_GATEWAY_502, ResponseFlag.UR, e.getMessage());
            }
            return;
        }
        UpstreamResponse up = a.response();
        try (up) {
            ResponseRelay.relay(up, ex, req.method().equals("HEAD"), trailersAccepted(ex));
        } catch (IOException | UncheckedIOException e) {
            // The response has started; all a proxy can do is cut the connection so the caller sees it.
            up.abort();
            ex.addFlag(ResponseFlag.UC);
            throw new UncheckedIOException("upstream " + up.endpoint() + " broke off the response",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        } finally {
            a.release().run();
        }
    }

    /**
     * A gRPC call relayed with grpc-java. An attempt that fails before any response header is tried
     * on another endpoint when nothing reached an upstream (connect failure), or when the route's retry
     * policy names its status (cancelled, deadline-exceeded, internal, resource-exhausted, unavailable),
     * within {@code num_retries} and the cluster's retry budget.
     */
    void grpc(Exchange ex, UpstreamCluster c, long hash, long deadline, Optional<RetryPolicySpec> policy) {
        Optional<EndpointState> pick = c.pick(hash, null);
        if (pick.isEmpty()) {
            c.state().noHealthy.increment();
            ex.upstream(c.name(), "", 0);
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UH, noHealthy(c));
            return;
        }
        EndpointState[] current = {pick.get()};
        int[] attempts = {1};
        long[] start = {System.nanoTime()};
        ex.upstream(c.name(), current[0].authority(), 1);
        Optional<RequestTelemetry.Attempt> span = ex.attribute(TELEMETRY)
                .map(t -> t.attempt(c.name(), current[0].spec().address(), current[0].spec().port()));
        span.ifPresent(a -> a.inject(ex.upstreamHeaders()));
        current[0].inflight.incrementAndGet();
        int maxAttempts = 1 + policy.map(RetryPolicySpec::numRetries).orElse(2); // connect failures: 2 more
        GrpcForwarder.Retrier retrier = (status, connectFailure) -> {
            boolean allowed = connectFailure || policy.map(p -> grpcRetriable(p, status)).orElse(false);
            if (!allowed || attempts[0] >= maxAttempts || (deadline != 0 && System.nanoTime() - deadline >= 0)
                    || !c.state().tryRetry()) {
                return Optional.empty(); // the final accounting below covers this attempt
            }
            try {
                EndpointState failed = current[0];
                Optional<EndpointState> next = c.pick(hash, failed);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                c.state().recordAttempt(failed, connectFailure ? OutlierDetector.Outcome.LOCAL_FAILURE
                        : grpcOutcome(status), System.nanoTime() - start[0]);
                failed.inflight.decrementAndGet();
                attempts[0]++;
                current[0] = next.get();
                current[0].inflight.incrementAndGet();
                start[0] = System.nanoTime();
                ex.upstream(c.name(), current[0].authority(), attempts[0]);
                return Optional.of(current[0].address());
            } finally {
                c.state().retryDone();
            }
        };
        io.grpc.Status s = io.grpc.Status.UNKNOWN;
        try {
            s = grpc.forward(ex, current[0].address(), deadline, retrier);
        } finally {
            span.ifPresent(a -> a.end(ex.status()));
            current[0].inflight.decrementAndGet();
            OutlierDetector.Outcome o = ex.hasFlag(ResponseFlag.UF) || ex.hasFlag(ResponseFlag.UR)
                    ? OutlierDetector.Outcome.LOCAL_FAILURE : grpcOutcome(s);
            c.state().recordAttempt(current[0], o, System.nanoTime() - start[0]);
        }
    }

    private static OutlierDetector.Outcome grpcOutcome(io.grpc.Status s) {
        return switch (s.getCode()) {
            case UNAVAILABLE -> OutlierDetector.Outcome.GATEWAY_ERROR;
            case INTERNAL, UNKNOWN, DATA_LOSS -> OutlierDetector.Outcome.ERROR_5XX;
            default -> OutlierDetector.Outcome.SUCCESS;
        };
    }

    private static boolean grpcRetriable(RetryPolicySpec p, io.grpc.Status s) {
        Set<RetryPolicySpec.Condition> c = p.conditions();
        return switch (s.getCode()) {
            case CANCELLED -> c.contains(RetryPolicySpec.Condition.GRPC_CANCELLED);
            case DEADLINE_EXCEEDED -> c.contains(RetryPolicySpec.Condition.GRPC_DEADLINE_EXCEEDED);
            case INTERNAL -> c.contains(RetryPolicySpec.Condition.GRPC_INTERNAL);
            case RESOURCE_EXHAUSTED -> c.contains(RetryPolicySpec.Condition.GRPC_RESOURCE_EXHAUSTED);
            case UNAVAILABLE -> c.contains(RetryPolicySpec.Condition.GRPC_UNAVAILABLE);
            default -> false;
        };
    }

    /** Sends a copy of the request to a mirror cluster on its own virtual thread and drops the answer. */
    void mirror(UpstreamCluster c, UpstreamRequest original) {
        UpstreamRequest req = new UpstreamRequest(original.method(), original.target(), original.authority(),
                io.helidon.http.WritableHeaders.create(original.headers()), original.body()); // a copy: attempts add trace context
        Thread.ofVirtual().name("weft-mirror").start(() -> {
            Optional<EndpointState> e = c.pick(ThreadLocalRandom.current().nextLong(), null);
            if (e.isEmpty()) {
                return;
            }
            UpstreamRequest copy = new UpstreamRequest(req.method(), req.target(), shadow(req.authority()), req.headers(), req.body());
            Optional<UpstreamTls> tls = c.spec().tls().flatMap(t -> mesh.map(m -> m.upstream(t.peers())));
            try (UpstreamResponse r = http1.send(e.get().address(), copy, (int) c.spec().connectTimeout().toMillis(),
                    System.nanoTime() + ForwardAction.DEFAULT_TIMEOUT.toNanos(), tls)) {
                r.body().transferTo(OutputStream.nullOutputStream());
            } catch (UpstreamException | IOException ignored) {
                // a mirror never affects the real request
            }
        });
    }

    private static String shadow(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > 0 && authority.indexOf(']') < colon
                ? authority.substring(0, colon) + "-shadow" + authority.substring(colon) : authority + "-shadow";
    }

    /** The request body: a filter's bytes, none, read whole when small and of known length, else streamed. */
    static UpstreamRequest.Body body(Exchange ex) throws IOException {
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
            return new UpstreamRequest.Body.Bytes(in.readNBytes((int) length.getAsLong()));
        }
        return new UpstreamRequest.Body.Stream(in, length.orElse(-1));
    }

    static boolean useHttp2(Exchange ex, ClusterSpec.Protocol protocol) {
        return switch (protocol) {
            case HTTP2 -> true;
            case DOWNSTREAM -> !ex.request().prologue().protocolVersion().equals("1.1");
            case HTTP1 -> false;
        };
    }

    private static boolean trailersAccepted(Exchange ex) {
        return !ex.request().prologue().protocolVersion().equals("1.1")
                || ex.header(HeaderNames.TE).map(v -> v.toLowerCase(Locale.ROOT).contains("trailers")).orElse(false);
    }

    static boolean isGrpc(Exchange ex) {
        return ex.header(HeaderNames.CONTENT_TYPE).map(v -> v.startsWith("application/grpc")).orElse(false);
    }

    /** The value of one cookie in a Cookie header. */
    static Optional<String> cookie(String header, String name) {
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                return Optional.of(part.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** The exchange as route matchers see it. */
    static RequestView view(Exchange ex) {
        return new RequestView() {
            @Override
            public String method() {
                return ex.method();
            }

            @Override
            public String path() {
                return ex.path();
            }

            @Override
            public String header(String lowerCaseName) {
                return ex.header(HeaderNames.create(lowerCaseName)).orElse(null);
            }

            @Override
            public String queryParam(String name) {
                return ex.request().query().first(name).orElse(null);
            }
        };
    }
}
