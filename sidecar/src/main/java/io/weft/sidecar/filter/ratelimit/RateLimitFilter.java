package io.weft.sidecar.filter.ratelimit;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.weft.sidecar.edge.Identity;
import io.weft.sidecar.filter.Exchange;
import io.weft.sidecar.filter.FilterChain;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.ResponseFlag;
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
final class RateLimitFilter implements HttpFilter {
    private static final HeaderName LIMIT = HeaderNames.create("ratelimit-limit");
    private static final HeaderName REMAINING = HeaderNames.create("ratelimit-remaining");
    private static final HeaderName RESET = HeaderNames.create("ratelimit-reset");
    private static final HeaderName POLICY = HeaderNames.create("ratelimit-policy");

    /** One compiled rule: its limiter and how many requests it currently holds back. */
    record Bound(RateLimitConfig.Rule rule, Limiter limiter, AtomicInteger queued) {
    }

    private final List<Bound> rules;

    RateLimitFilter(List<Bound> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void filter(Exchange ex, FilterChain chain) {
        Bound tightest = null;
        Decision tightestDecision = null;
        for (Bound b : rules) {
            RateLimitConfig.Rule rule = b.rule();
            String key = key(rule, ex);
            boolean throttle = rule.mode() == RateLimitConfig.Mode.THROTTLE && b.queued().get() < rule.maxQueued();
            Decision d;
            try {
                d = b.limiter().take(key, throttle ? rule.maxDelay().toNanos() : 0);
            } catch (RedisLimiter.StoreUnavailable e) {
                ex.respond(Status.SERVICE_UNAVAILABLE_503, ResponseFlag.RL, e.getMessage() + "; rate limit \""
                        + rule.name() + "\" fails closed");
                return;
            }
            if (!d.allowed()) {
                ex.response().header(HeaderNames.RETRY_AFTER, Long.toString(seconds(d.waitNanos())));
                headers(ex.response().headers(), rule, d);
                ex.respond(Status.TOO_MANY_REQUESTS_429, ResponseFlag.RL, "rate limit \"" + rule.name() + "\" exceeded for "
                        + describe(rule) + "; retry in " + seconds(d.waitNanos()) + "s");
                return;
            }
            if (d.waitNanos() > 0 && !hold(b, d.waitNanos())) {
                ex.respond(Status.SERVICE_UNAVAILABLE_503, "interrupted while throttled");
                return;
            }
            if (d.remaining() >= 0 && (tightestDecision == null || d.remaining() < tightestDecision.remaining())) {
                tightest = b;
                tightestDecision = d;
            }
        }
        if (tightest != null) {
            RateLimitConfig.Rule rule = tightest.rule();
            Decision d = tightestDecision;
            ex.onResponse((status, h) -> headers(h, rule, d));
        }
        chain.proceed();
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

    static String key(RateLimitConfig.Rule rule, Exchange ex) {
        return switch (rule.key()) {
            case ROUTE -> "route:" + ex.route();
            case IP -> ex.route() + ":ip:" + ex.remoteAddress();
            case CLIENT -> ex.route() + ":" + ex.attribute(Identity.ATTRIBUTE).map(RateLimitFilter::who)
                    .orElse("ip:" + ex.remoteAddress());
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

    private static void headers(ServerResponseHeaders h, RateLimitConfig.Rule rule, Decision d) {
        h.set(LIMIT, Long.toString(rule.burst()));
        h.set(REMAINING, Long.toString(Math.max(0, d.remaining())));
        h.set(RESET, Long.toString(seconds(d.resetNanos())));
        h.set(POLICY, rule.requests() + ";w=" + Math.max(1, rule.per().toSeconds())
                + (rule.algorithm() == RateLimitConfig.Algorithm.TOKEN_BUCKET ? ";burst=" + rule.burst() : "")
                + ";name=\"" + rule.name() + "\"");
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
