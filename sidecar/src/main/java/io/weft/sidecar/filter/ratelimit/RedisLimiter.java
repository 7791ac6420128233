package io.weft.sidecar.filter.ratelimit;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One rule's token buckets in Redis, shared by every edge that points at the same server and prefix,
 * so several edges behind a load balancer enforce one limit. Each take is one atomic Lua script that
 * reads Redis's own clock ({@code TIME}), so the edges' clocks do not matter. When Redis cannot be
 * reached the rule fails open (allows, unknown remaining) or closed (the filter answers 503), as
 * configured. Thread-safe; Jedis pools its connections.
 */
final class RedisLimiter implements Limiter, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisLimiter.class.getName());
    // KEYS[1] bucket; ARGV: tokens per microsecond, capacity, max wait (us). Returns {allowed, remaining, wait_us, reset_us}.
    private static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local cap = tonumber(ARGV[2])
            local maxwait = tonumber(ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(s[1])
            local ts = tonumber(s[2])
            if tokens == nil then tokens = cap; ts = now end
            if now > ts then tokens = math.min(cap, tokens + (now - ts) * rate); ts = now end
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1; allowed = 1
            else
              wait = math.ceil((1 - tokens) / rate)
              if wait <= maxwait then tokens = tokens - 1; allowed = 1 end
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
            redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate / 1000) + 1000)
            local remaining = 0
            if tokens > 0 then remaining = math.floor(tokens) end
            return {allowed, remaining, wait, math.ceil((cap - tokens) / rate)}
            """;

    private final RateLimitConfig.Rule rule;
    private final RateLimitConfig.Redis redis;
    private final JedisPooled jedis;
    private final String ratePerMicro;
    private volatile String sha;

    RedisLimiter(RateLimitConfig.Rule rule, RateLimitConfig.Redis redis) {
        this.rule = rule;
        this.redis = redis;
        int timeout = (int) Math.max(1, redis.timeout().toMillis());
        this.jedis = new JedisPooled(new HostAndPort(redis.host(), redis.port()),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).build());
        this.ratePerMicro = Double.toString(rule.ratePerNano() * 1000);
    }

    @Override
    public Decision take(String key, long maxWaitNanos) {
        List<String> keys = List.of(redis.keyPrefix() + rule.name() + ":" + key);
        List<String> args = List.of(ratePerMicro, Long.toString(rule.burst()), Long.toString(maxWaitNanos / 1000));
        Object reply;
        try {
            reply = run(keys, args);
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "rate limit " + rule.name() + ": Redis " + redis.host() + ":" + redis.port()
                    + " failed (" + e.getMessage() + "); failing " + (redis.failClosed() ? "closed" : "open"));
            if (redis.failClosed()) {
                throw new StoreUnavailable(redis.host() + ":" + redis.port());
            }
            return Decision.unknown();
        }
        List<?> r = (List<?>) reply;
        return new Decision(((Long) r.get(0)) == 1, (Long) r.get(1), (Long) r.get(2) * 1000, (Long) r.get(3) * 1000);
    }

    private Object run(List<String> keys, List<String> args) {
        String s = sha;
        if (s != null) {
            try {
                return jedis.evalsha(s, keys, args);
            } catch (JedisNoScriptException e) {
                // Redis restarted or flushed its scripts: load again below
            }
        }
        sha = jedis.scriptLoad(SCRIPT);
        return jedis.evalsha(sha, keys, args);
    }

    @Override
    public void close() {
        jedis.close();
    }

    /** The shared store is down and the rule fails closed. */
    static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(String where) {
            super("rate limit store " + where + " unavailable", null, false, false);
        }
    }
}
