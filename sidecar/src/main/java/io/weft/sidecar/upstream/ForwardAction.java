package io.weft.sidecar.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.LocalReplyException;
import io.weft.sidecar.filter.ResponseFlag;
import io.weft.sidecar.filter.Terminal;
import io.weft.sidecar.model.HashPolicySpec;
import io.weft.sidecar.model.RetryPolicySpec;
import io.weft.sidecar.model.RouteActionSpec;
import io.weft.sidecar.model.RouteSpec;
import io.weft.sidecar.route.PathRewrite;
import io.weft.sidecar.route.RequestView;
import io.weft.sidecar.route.Route;
import io.weft.sidecar.upstream.client.DownstreamException;
import io.weft.sidecar.upstream.client.UpstreamException;
import io.weft.sidecar.upstream.client.UpstreamRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A route's forward action, compiled against one snapshot's clusters: picks a cluster by weight,
 * then for each attempt an endpoint by the cluster's policy, under the cluster's bulkhead and circuit
 * breaker, with the route's timeout, per-try timeout and Resilience4j retry (exponential back-off with
 * jitter, only on the configured conditions, only for idempotent or explicitly allowed requests with
 * a replayable body, within the cluster's retry budget, avoiding the endpoint that just failed).
 * Immutable and thread-safe.
 */
final class ForwardAction implements Terminal {
    /** Envoy's default route timeout, applied when the route sets none (not to gRPC, whose streams are long). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final Forwarder clients;
    private final String routeName;
    private final UpstreamCluster[] targets;
    private final int[] cumulative;
    private final PathRewrite rewrite;
    private final Optional<String> hostRewrite;
    private final long timeoutNanos;
    private final boolean timeoutSet;
    private final Optional<RetryPolicySpec> retry;
    private final Optional<Retry> retryer;
    private final List<Predicate<RequestView>> retriableRequests;
    private final List<HashPolicySpec> hashes;
    private final List<RouteActionSpec.MirrorSpec> mirrorSpecs;
    private final List<UpstreamCluster> mirrors;

    ForwardAction(Forwarder clients, RouteSpec route, RouteActionSpec.Forward f, Map<String, UpstreamCluster> clusters) {
        this.clients = clients;
        this.routeName = route.name();
        this.targets = f.clusters().stream().map(w -> clusters.get(w.cluster())).toArray(UpstreamCluster[]::new);
        this.cumulative = new int[targets.length];
        int total = 0;
        for (int i = 0; i < targets.length; i++) {
            total += f.clusters().get(i).weight();
            cumulative[i] = total;
        }
        this.rewrite = PathRewrite.of(route.path(), f.prefixRewrite(), f.regexRewrite());
        this.hostRewrite = f.hostRewrite();
        this.timeoutSet = f.timeout().isPresent();
        this.timeoutNanos = f.timeout().orElse(DEFAULT_TIMEOUT).toNanos();
        this.retry = f.retry();
        this.retryer = f.retry().map(r -> Retry.of("route " + route.name(), RetryConfig.<Attempt>custom()
                .maxAttempts(1 + r.numRetries())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(r.baseInterval(), 2.0, 1.0, r.maxInterval()))
                .retryOnResult(a -> a.matches(r))
                .consumeResultBeforeRetryAttempt((n, a) -> a.discard())
                .failAfterMaxAttempts(false)
                .build()));
        this.retriableRequests = f.retry().map(r -> r.retriableRequestHeaders().stream().map(Route::headerMatcher).toList())
                .orElse(List.of());
        this.hashes = f.hashPolicies();
        this.mirrorSpecs = f.mirrors();
        this.mirrors = f.mirrors().stream().map(m -> clusters.get(m.cluster())).toList();
    }

    @Override
    public void handle(Exchange ex) {
        try {
            route(ex);
        } catch (DownstreamException e) {
            // the caller's body was bad or the caller went away: not an upstream failure
            if (!ex.responded()) {
                ex.response().header(io.helidon.http.HeaderNames.CONNECTION, "close");
                Throwable c = e.getCause();
                while (c != null && !(c instanceof LocalReplyException)) {
                    c = c.getCause();
                }
                if (c instanceof LocalReplyException refused) {
                    ex.respond(refused); // a filter's limit on the body, such as the edge's 413
                    return;
                }
                ex.respond(Status.BAD_REQUEST_400, ResponseFlag.DPE, e.getMessage());
            } else {
                ex.addFlag(ResponseFlag.DC);
                throw e;
            }
        }
    }

    private void route(Exchange ex) {
        UpstreamCluster cluster = pickCluster();
        ClusterState cs = cluster.state();
        cs.requests.increment();
        if (!cs.bulkhead().tryAcquirePermission()) {
            cs.overflows.increment();
            ex.upstream(cluster.name(), "", 0);
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UO, "too many requests in flight to cluster "
                    + cluster.name() + " (max_requests " + cluster.spec().limits().maxRequests() + ")");
            return;
        }
        cs.active.incrementAndGet();
        try {
            if (Forwarder.isGrpc(ex) && !ex.request().prologue().protocolVersion().equals("1.1")) {
                clients.grpc(ex, cluster, hash(ex), timeoutSet ? System.nanoTime() + timeoutNanos : 0, retry);
                return;
            }
            forward(ex, cluster, cs);
        } finally {
            cs.active.decrementAndGet();
            cs.bulkhead().onComplete();
        }
    }

    private void forward(Exchange ex, UpstreamCluster cluster, ClusterState cs) {
        UpstreamRequest.Body body;
        try {
            body = Forwarder.body(ex);
        } catch (IOException | RuntimeException e) {
            throw new DownstreamException("reading the request body from the client: " + e.getMessage(), e);
        }
        UpstreamRequest req = new UpstreamRequest(ex.method(), rewrite.apply(ex.upstreamPath()),
                hostRewrite.orElse(ex.upstreamAuthority()), ex.upstreamHeaders(), body);
        long deadline = timeoutNanos > 0 ? ex.startNanos() + timeoutNanos : 0;
        long hash = hash(ex);
        mirror(ex, req); // before the first attempt adds its trace context
        CircuitBreaker cb = cs.breaker();
        if (!cb.tryAcquirePermission()) {
            cs.overflows.increment();
            ex.upstream(cluster.name(), "", 0);
            ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.UO, "circuit breaker open for cluster " + cluster.name()
                    + " (too many recent requests failed to connect or got 502/503/504)");
            return;
        }
        long start = System.nanoTime();
        boolean h2 = Forwarder.useHttp2(ex, cluster.spec().protocol());
        Attempt a = clients.attempt(ex, cluster, req, h2, hash, null, deadline, perTry(), 1);
        boolean safe = mayRetry(ex, req);
        if (retryer.isPresent() && req.body().replayable()) {
            Retry.Context<Attempt> ctx = retryer.get().context();
            // a connect failure means nothing was sent: safe to retry whatever the method
            while ((safe || a.connectFailure()) && a.matches(retry.get()) && !a.deadlinePassed(deadline) && cs.tryRetry()) {
                boolean again;
                try {
                    again = ctx.onResult(a); // discards the failed attempt and sleeps the back-off when it says yes
                } catch (RuntimeException e) {
                    cs.retryDone();
                    throw e;
                }
                if (!again) {
                    cs.retryDone();
                    ex.addFlag(ResponseFlag.URX);
                    break;
                }
                try {
                    a = clients.attempt(ex, cluster, req, h2, hash, a.endpoint(), deadline, perTry(), a.number() + 1);
                } finally {
                    cs.retryDone();
                }
            }
            ctx.onComplete();
        }
        // Whatever the retry policy, a request no upstream took is tried elsewhere: after a connect failure
        // nothing was sent, and a draining proxy's 503 DR says it did not pass the request on. That is what
        // callers see while an endpoint restarts and the control plane has not yet said so.
        for (int extra = 0; extra < 2 && (a.connectFailure() || a.refusedByDrain()) && req.body().replayable()
                && !a.deadlinePassed(deadline) && cs.tryRetry(); extra++) {
            if (a.response() != null) {
                a.discard();
            }
            try {
                a = clients.attempt(ex, cluster, req, h2, hash, a.endpoint(), deadline, perTry(), a.number() + 1);
            } finally {
                cs.retryDone();
            }
        }
        Forwarder.recordOutcome(cb, a, start);
        ex.upstream(cluster.name(), a.endpoint() == null ? "" : a.endpoint().authority(), a.number());
        clients.finish(ex, a, req);
    }

    private long perTry() {
        return retry.flatMap(RetryPolicySpec::perTryTimeout).map(Duration::toNanos).orElse(0L);
    }

    /** Retries after an answer only idempotent requests, or those the policy explicitly allows. */
    private boolean mayRetry(Exchange ex, UpstreamRequest req) {
        if (IDEMPOTENT.contains(ex.method())) {
            return true;
        }
        if (retriableRequests.isEmpty()) {
            return false;
        }
        RequestView view = Forwarder.view(ex);
        return retriableRequests.stream().allMatch(p -> p.test(view));
    }

    private UpstreamCluster pickCluster() {
        if (targets.length == 1) {
            return targets[0];
        }
        int r = ThreadLocalRandom.current().nextInt(cumulative[cumulative.length - 1]);
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return targets[i];
            }
        }
        return targets[targets.length - 1];
    }

    /** The request's hash from the route's hash policies; random when none yields a value. */
    private long hash(Exchange ex) {
        if (hashes.isEmpty()) {
            return ThreadLocalRandom.current().nextLong();
        }
        long h = 0;
        boolean any = false;
        for (HashPolicySpec p : hashes) {
            Optional<String> v = switch (p.kind()) {
                case HEADER -> ex.header(HeaderNames.create(p.name()));
                case COOKIE -> ex.header(HeaderNames.COOKIE).flatMap(c -> Forwarder.cookie(c, p.name()));
                case QUERY_PARAMETER -> Optional.ofNullable(Forwarder.view(ex).queryParam(p.name()));
                case SOURCE_IP -> Optional.of(ex.remoteAddress());
            };
            if (v.isPresent()) {
                h = any ? Long.rotateLeft(h, 1) ^ Hash64.of(v.get()) : Hash64.of(v.get());
                any = true;
                if (p.terminal()) {
                    break;
                }
            }
        }
        return any ? h : ThreadLocalRandom.current().nextLong();
    }

    /** Fire-and-forget copies to mirror clusters, with {@code -shadow} appended to the host as Envoy does. */
    private void mirror(Exchange ex, UpstreamRequest req) {
        if (mirrors.isEmpty() || !req.body().replayable()) {
            return;
        }
        for (int i = 0; i < mirrors.size(); i++) {
            int pm = mirrorSpecs.get(i).percentPerMillion();
            if (pm >= 1_000_000 || ThreadLocalRandom.current().nextInt(1_000_000) < pm) {
                clients.mirror(mirrors.get(i), req);
            }
        }
    }

    /** One attempt's outcome: a response head (body still on the wire) or a failure before one. */
    record Attempt(io.weft.sidecar.upstream.client.UpstreamResponse response, UpstreamException failure,
                   EndpointState endpoint, ResponseFlag localFlag, String localDetail, int number, Runnable release) {
        int status() {
            return response.status();
        }

        boolean connectFailure() {
            return failure != null && failure.kind() == UpstreamException.Kind.CONNECT_FAILURE;
        }

        /** A 503 DR: the endpoint's proxy is shutting down and did not pass the request to its app. */
        boolean refusedByDrain() {
            return response != null && response.status() == 503
                    && response.head().first("x-weft-response-flags").map(f -> f.contains("DR")).orElse(false);
        }

        boolean matches(RetryPolicySpec p) {
            Set<RetryPolicySpec.Condition> c = p.conditions();
            if (localFlag != null) {
                return false; // UH / UO: retrying now would not find anything better
            }
            if (failure != null) {
                return switch (failure.kind()) {
                    case CONNECT_FAILURE -> c.contains(RetryPolicySpec.Condition.CONNECT_FAILURE)
                            || c.contains(RetryPolicySpec.Condition.FIVE_XX) || c.contains(RetryPolicySpec.Condition.GATEWAY_ERROR)
                            || c.contains(RetryPolicySpec.Condition.RESET);
                    case RESET, TIMEOUT, PROTOCOL_ERROR -> c.contains(RetryPolicySpec.Condition.RESET)
                            || c.contains(RetryPolicySpec.Condition.FIVE_XX) || c.contains(RetryPolicySpec.Condition.GATEWAY_ERROR);
                };
            }
            int s = response.status();
            return (s >= 500 && c.contains(RetryPolicySpec.Condition.FIVE_XX))
                    || ((s == 502 || s == 503 || s == 504) && c.contains(RetryPolicySpec.Condition.GATEWAY_ERROR))
                    || (s == 409 && c.contains(RetryPolicySpec.Condition.RETRIABLE_4XX))
                    || (p.retriableStatusCodes().contains(s) && c.contains(RetryPolicySpec.Condition.RETRIABLE_STATUS_CODES));
        }

        boolean deadlinePassed(long deadline) {
            return deadline != 0 && System.nanoTime() - deadline >= 0;
        }

        /** Drops a failed attempt before the next: closes its response and releases its endpoint slot. */
        void discard() {
            if (response != null) {
                response.close();
            }
            release.run();
        }
    }
}
