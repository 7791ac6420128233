package io.weft.sidecar.filter.ratelimit;

import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRequest;
import io.weft.sidecar.edge.EdgeResponse;
import io.weft.sidecar.edge.Identity;
import io.weft.sidecar.edge.Problem;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a route's rate limits. A refused request gets 429 with {@code Retry-After}; every answer
 * carries the tightest rule's {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset} and {@code RateLimit-Policy} (draft-ietf-httpapi-ratelimit-headers).
 * In throttle mode a request is held (sleeping its virtual thread) until its token is due, if that is
 * within the rule's max delay and fewer than max-queued requests are already held.
 */
final class RateLimitFilter implements EdgeFilter {
    /** One compiled rule: its limiter and how many requests it currently holds back. */
    record Bound(RateLimitConfig.Rule rule, Limiter limiter, AtomicInteger queued) {
    }

    private final List<Bound> rules;

    RateLimitFilter(List<Bound> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public EdgeResponse filter(EdgeRequest req, Chain next) {
        Bound tightest = null;
        Decision tightestDecision = null;
        for (Bound b : rules) {
            RateLimitConfig.Rule rule = b.rule();
            String key = key(rule, req);
            boolean throttle = rule.mode() == RateLimitConfig.Mode.THROTTLE && b.queued().get() < rule.maxQueued();
            Decision d;
            try {
                d = b.limiter().take(key, throttle ? rule.maxDelay().toNanos() : 0);
            } catch (RedisLimiter.StoreUnavailable e) {
                return Problem.response(503, "Service Unavailable", e.getMessage() + "; rate limit \"" + rule.name() + "\" fails closed");
            }
            if (!d.allowed()) {
                EdgeResponse r = Problem.response(429, "Too Many Requests", "rate limit \"" + rule.name() + "\" exceeded for "
                        + describe(rule) + "; retry in " + seconds(d.waitNanos()) + "s");
                r.header("retry-after", Long.toString(seconds(d.waitNanos())));
                headers(r, rule, d);
                return r;
            }
            if (d.waitNanos() > 0 && !hold(b, d.waitNanos())) {
                return Problem.response(503, "Service Unavailable", "interrupted while throttled");
            }
            if (d.remaining() >= 0 && (tightestDecision == null || d.remaining() < tightestDecision.remaining())) {
                tightest = b;
                tightestDecision = d;
            }
        }
        EdgeResponse r = next.proceed(req);
        if (tightest != null) {
            headers(r, tightest.rule(), tightestDecision);
        }
        return r;
    }

    private static boolean hold(Bound b, long nanos) {
        b.queued().incrementAndGet();
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            b.queued().decrementAndGet();
        }
    }

    static String key(RateLimitConfig.Rule rule, EdgeRequest req) {
        return switch (rule.key()) {
            case ROUTE -> "route:" + req.routeName();
            case IP -> req.routeName() + ":ip:" + req.clientIp();
            case CLIENT -> req.routeName() + ":" + req.identity().map(RateLimitFilter::who).orElse("ip:" + req.clientIp());
        };
    }

    private static String who(Identity id) {
        return id.method() + ":" + id.subject();
    }

    private static String describe(RateLimitConfig.Rule rule) {
        return switch (rule.key()) {
            case ROUTE -> "this route";
            case IP -> "this client address";
            case CLIENT -> "this client";
        };
    }

    private static void headers(EdgeResponse r, RateLimitConfig.Rule rule, Decision d) {
        r.header("ratelimit-limit", Long.toString(rule.burst()));
        r.header("ratelimit-remaining", Long.toString(Math.max(0, d.remaining())));
        r.header("ratelimit-reset", Long.toString(seconds(d.resetNanos())));
        r.header("ratelimit-policy", rule.requests() + ";w=" + Math.max(1, rule.per().toSeconds())
                + (rule.algorithm() == RateLimitConfig.Algorithm.TOKEN_BUCKET ? ";burst=" + rule.burst() : "")
                + ";name=\"" + rule.name() + "\"");
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
