package io.weft.sidecar.upstream;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.weft.sidecar.model.ClusterSpec;
import io.weft.sidecar.model.EndpointSpec;
import io.weft.sidecar.model.LimitsSpec;
import io.weft.sidecar.telemetry.UpstreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything about one cluster that outlives a snapshot: its endpoints' state, the Resilience4j
 * bulkhead (max requests in flight) and circuit breaker (fails fast while the cluster keeps failing
 * at the connection level), the retry allowance, outlier detection, and counters for {@code /stats}.
 * Thread-safe.
 */
public final class ClusterState {
    /** Trips when half of at least 20 recent attempts failed to connect, reset or timed out, or got 502/503/504. */
    private static final CircuitBreakerConfig BREAKER = CircuitBreakerConfig.custom()
            .failureRateThreshold(50)
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(50)
            .minimumNumberOfCalls(20)
            .waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(5)
            .writableStackTraceEnabled(false)
            .build();

    private final String name;
    private final Ticker ticker;
    private final Map<String, EndpointState> endpoints = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private volatile ClusterSpec spec;
    private volatile Bulkhead bulkhead;
    private volatile Optional<OutlierDetector> outlier = Optional.empty();
    private volatile EndpointState[] current = new EndpointState[0];
    final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger activeRetries = new AtomicInteger();
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder overflows = new LongAdder();
    final LongAdder noHealthy = new LongAdder();

    private final UpstreamObserver observer;

    ClusterState(String name, Ticker ticker, UpstreamObserver observer) {
        this.name = name;
        this.ticker = ticker;
        this.observer = observer;
        this.breaker = CircuitBreaker.of(name, BREAKER);
        breaker.getEventPublisher().onStateTransition(t ->
                observer.circuitBreaker(name, t.getStateTransition().getToState() == CircuitBreaker.State.OPEN));
    }

    public String name() {
        return name;
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** Applies a cluster's latest spec and endpoints; returns the endpoint states in the spec's order. */
    EndpointState[] update(ClusterSpec s, List<EndpointSpec> eps) {
        ClusterSpec old = this.spec;
        this.spec = s;
        if (old == null || !old.limits().equals(s.limits())) {
            bulkhead = Bulkhead.of(name, BulkheadConfig.custom().maxConcurrentCalls(s.limits().maxRequests())
                    .maxWaitDuration(Duration.ZERO).writableStackTraceEnabled(false).build());
        }
        if (old == null || !old.outlier().equals(s.outlier())) {
            outlier = s.outlier().map(o -> new OutlierDetector(o, e -> observer.ejected(name, e.authority())));
        }
        List<EndpointState> out = new ArrayList<>(eps.size());
        Map<String, EndpointState> keep = new java.util.HashMap<>();
        long now = ticker.nanos();
        for (EndpointSpec e : eps) {
            EndpointState st = endpoints.computeIfAbsent(e.authority(), k -> new EndpointState(e, now));
            st.spec(e);
            keep.put(e.authority(), st);
            out.add(st);
        }
        endpoints.keySet().retainAll(keep.keySet());
        EndpointState[] arr = out.toArray(EndpointState[]::new);
        this.current = arr;
        return arr;
    }

    EndpointState[] current() {
        return current;
    }

    public List<EndpointState> endpoints() {
        return List.of(current);
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    Optional<OutlierDetector> outlier() {
        return outlier;
    }

    /** Takes one retry from the allowance (Envoy max_retries or retry budget); false when exhausted. */
    boolean tryRetry() {
        LimitsSpec l = spec.limits();
        while (true) {
            int r = activeRetries.get();
            if (r >= l.retryAllowance(active.get())) {
                return false;
            }
            if (activeRetries.compareAndSet(r, r + 1)) {
                retries.increment();
                return true;
            }
        }
    }

    void retryDone() {
        activeRetries.decrementAndGet();
    }

    /** Records one attempt's result for outlier detection and the load balancer's latency estimate. */
    void recordAttempt(EndpointState e, OutlierDetector.Outcome outcome, long latencyNanos) {
        long now = ticker.nanos();
        if (outcome != OutlierDetector.Outcome.LOCAL_FAILURE) {
            e.observeLatency(now, latencyNanos, spec.lb().ewmaDecay().toNanos());
        }
        outlier.ifPresent(o -> o.record(e, outcome, now, current));
    }

    /** Periodic outlier sweep; called by the registry's timer. */
    void sweep() {
        outlier.ifPresent(o -> o.sweep(ticker.nanos(), current));
    }

    /** Counters and state for {@code /stats} and {@code /clusters}. */
    public Map<String, Object> stats() {
        return Map.of("requests", requests.sum(), "retries", retries.sum(), "overflows", overflows.sum(),
                "no_healthy_upstream", noHealthy.sum(), "active", active.get(),
                "circuit_breaker", breaker.getState().name(),
                "bulkhead_available", bulkhead == null ? 0 : bulkhead.getMetrics().getAvailableConcurrentCalls());
    }
}
