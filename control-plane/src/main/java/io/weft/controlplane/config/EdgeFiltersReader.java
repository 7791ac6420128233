package io.weft.controlplane.config;

import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.weft.proto.EdgeFilterNames;
import io.weft.proto.v1.ApiKey;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.JwtProvider;
import io.weft.proto.v1.RateLimitRule;
import io.weft.proto.v1.RedisStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the edge's policy from the mesh YAML: edge-wide declarations ({@code edge.jwtProviders},
 * {@code edge.apiKeys}, {@code edge.rateLimits}) and, per edge route, {@code auth}, {@code rateLimit},
 * {@code transform}, {@code cache}, {@code guard}, {@code aggregate} and {@code transcode}. The result per route is the typed filter configs
 * ({@code weft.v1} messages) in chain order, with every declaration a route names inlined, so each route's
 * config is complete on its own. Declarations may come from any file; routes are resolved after all are read.
 * Errors name the file, the field and the expectation. Not thread-safe (one per load).
 */
final class EdgeFiltersReader {
    /** Keys of the {@code edge} section. */
    static final Set<String> EDGE_KEYS = Set.of("virtualHosts", "jwtProviders", "apiKeys", "apiKeyHeader", "rateLimits",
            "descriptorSets");
    /** Extra keys an edge route may carry. */
    static final Set<String> ROUTE_KEYS = Set.of("auth", "rateLimit", "transform", "cache", "guard", "aggregate", "transcode");

    private static final Set<String> PROVIDER_KEYS = Set.of("name", "issuer", "audiences", "jwksUri", "jwksFile", "jwks",
            "refresh", "clockSkew", "forwardClaims", "maxTokenBytes", "algorithms");
    private static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA");
    private static final Set<String> AUTH_KEYS = Set.of("require", "scopes", "claims", "accept");
    private static final Set<String> LIMIT_KEYS = Set.of("key", "algorithm", "requests", "per", "burst", "mode",
            "maxDelay", "maxQueued", "redis", "redisKeyPrefix", "failClosed");
    private static final String HEADER_NAME = "[a-z0-9!#$%&'*+.^_`|~-]+";

    private final Map<String, JwtProvider> providers = new LinkedHashMap<>();
    private final Map<String, YamlNode> providerNodes = new LinkedHashMap<>();
    private final Map<String, ApiKey> apiKeys = new LinkedHashMap<>();
    private final Map<String, RateLimitRule> limits = new LinkedHashMap<>();
    private final Map<String, YamlNode> limitNodes = new LinkedHashMap<>();
    private String apiKeyHeader = "x-api-key";
    private final EdgeTranscodeReader transcoding = new EdgeTranscodeReader();

    /** Reads the edge-wide declarations of one file's {@code edge} section. */
    void readEdge(YamlNode edge) {
        transcoding.readDescriptorSets(edge.get("descriptorSets"));
        for (YamlNode p : edge.get("jwtProviders").list()) {
            JwtProvider provider = provider(p);
            YamlNode prev = providerNodes.putIfAbsent(provider.getName(), p);
            if (prev != null) {
                throw p.get("name").error("JWT provider \"" + provider.getName() + "\" declared again (first in "
                        + prev.file() + ")", "unique provider names");
            }
            providers.put(provider.getName(), provider);
        }
        for (YamlNode k : edge.get("apiKeys").list()) {
            k.allowKeys(Set.of("id", "sha256", "scopes"));
            String id = k.get("id").requiredString();
            String hash = k.get("sha256").requiredString();
            if (!hash.matches("[0-9a-f]{64}")) {
                throw k.get("sha256").error("the key's SHA-256 as 64 lower-case hex digits (never the key itself)");
            }
            if (apiKeys.values().stream().anyMatch(a -> a.getSha256().equals(hash))) {
                throw k.get("sha256").error("a hash used by another key", "one hash per key");
            }
            apiKeys.put(id, ApiKey.newBuilder().setId(id).setSha256(hash).addAllScopes(k.get("scopes").stringList()).build());
        }
        edge.get("apiKeyHeader").optString().ifPresent(h -> {
            if (!h.toLowerCase().matches(HEADER_NAME)) {
                throw edge.get("apiKeyHeader").error("an HTTP header name");
            }
            apiKeyHeader = h.toLowerCase();
        });
        for (Map.Entry<String, YamlNode> e : edge.get("rateLimits").entries()) {
            if (limits.containsKey(e.getKey())) {
                throw e.getValue().error("rate limit \"" + e.getKey() + "\" declared again (first in "
                        + limitNodes.get(e.getKey()).file() + ")", "unique rate limit names");
            }
            limits.put(e.getKey(), rule(e.getKey(), e.getValue()));
            limitNodes.put(e.getKey(), e.getValue());
        }
    }

    /**
     * The filter configs of one edge route, in chain order; empty when the route has no edge policy.
     *
     * @param spec     the route as read (its targets and timeout)
     * @param services the declared services
     */
    Map<String, Message> route(YamlNode r, io.weft.controlplane.model.RouteSpec spec,
                               Map<String, io.weft.controlplane.model.ServiceSpec> services) {
        Map<String, Message> out = new LinkedHashMap<>();
        if (!r.get("guard").isMissing()) {
            out.put(EdgeFilterNames.GUARD, EdgeTransformReader.guard(r.get("guard")));
        }
        if (!r.get("auth").isMissing()) {
            out.put(EdgeFilterNames.AUTHN, auth(r.get("auth")));
        }
        if (!r.get("rateLimit").isMissing()) {
            out.put(EdgeFilterNames.RATE_LIMIT, rateLimit(r.get("rateLimit")));
        }
        if (!r.get("cache").isMissing()) {
            out.put(EdgeFilterNames.CACHE, EdgeTransformReader.cache(r.get("cache")));
        }
        if (!r.get("transform").isMissing()) {
            out.put(EdgeFilterNames.TRANSFORM, EdgeTransformReader.transform(r.get("transform")));
        }
        if (!r.get("aggregate").isMissing()) {
            out.put(EdgeFilterNames.AGGREGATE, EdgeAggregateReader.aggregate(r.get("aggregate")));
        }
        if (!r.get("transcode").isMissing()) {
            if (!r.get("aggregate").isMissing()) {
                throw r.get("transcode").error("both aggregate and transcode", "one of them: each answers the request itself");
            }
            out.put(EdgeFilterNames.TRANSCODE, transcoding.transcode(r.get("transcode"), spec, services));
        }
        return out;
    }

    private JwtProvider provider(YamlNode p) {
        p.allowKeys(PROVIDER_KEYS);
        JwtProvider.Builder b = JwtProvider.newBuilder().setName(p.get("name").name()).setIssuer(p.get("issuer").requiredString())
                .addAllAudiences(p.get("audiences").stringList());
        int sources = 0;
        if (!p.get("jwksUri").isMissing()) {
            String uri = p.get("jwksUri").requiredString();
            if (!uri.matches("https?://.+")) {
                throw p.get("jwksUri").error("an http:// or https:// URL");
            }
            b.setJwksUri(uri);
            sources++;
        }
        if (!p.get("jwksFile").isMissing()) {
            b.setJwksFile(p.get("jwksFile").requiredString());
            sources++;
        }
        if (!p.get("jwks").isMissing()) {
            b.setJwksInline(p.get("jwks").requiredString());
            sources++;
        }
        if (sources != 1) {
            throw p.error("exactly one of jwksUri, jwksFile or jwks");
        }
        b.setJwksRefresh(proto(p.get("refresh").optDuration().orElse(Duration.ofMinutes(5))));
        b.setClockSkew(proto(p.get("clockSkew").optDuration().orElse(Duration.ofSeconds(30))));
        for (Map.Entry<String, YamlNode> c : p.get("forwardClaims").entries()) {
            String header = c.getValue().requiredString().toLowerCase();
            if (!header.matches(HEADER_NAME)) {
                throw c.getValue().error("an HTTP header name");
            }
            b.putClaimHeaders(c.getKey(), header);
        }
        b.setMaxTokenBytes(p.get("maxTokenBytes").intValue(8192, 256, 65536));
        List<String> algs = p.get("algorithms").stringList();
        for (int i = 0; i < algs.size(); i++) {
            if (!ALGORITHMS.contains(algs.get(i))) {
                throw p.get("algorithms").list().get(i).error("an asymmetric JWS algorithm, one of " + ALGORITHMS.stream().sorted().toList());
            }
        }
        b.addAllAlgorithms(algs.isEmpty() ? List.of("RS256", "ES256", "EdDSA") : algs);
        return b.build();
    }

    private EdgeAuthn auth(YamlNode a) {
        AuthRequirement.Builder req = AuthRequirement.newBuilder();
        List<String> accept = List.of();
        if (a.isScalar()) {
            req.setMode(mode(a));
        } else {
            a.allowKeys(AUTH_KEYS);
            req.setMode(a.get("require").isMissing() ? AuthRequirement.Mode.AUTHENTICATED : mode(a.get("require")));
            req.addAllScopes(a.get("scopes").stringList()).putAllClaims(a.get("claims").stringMap());
            accept = a.get("accept").stringList();
            for (int i = 0; i < accept.size(); i++) {
                String name = accept.get(i);
                if (!providers.containsKey(name) && !(name.equals("api-key") && !apiKeys.isEmpty())) {
                    throw a.get("accept").list().get(i).error("a declared JWT provider, one of " + providers.keySet()
                            + (apiKeys.isEmpty() ? "" : ", or api-key"));
                }
            }
            req.addAllAccept(accept);
        }
        if (providers.isEmpty() && apiKeys.isEmpty()) {
            throw a.error("auth on a route", "edge.jwtProviders or edge.apiKeys declared first");
        }
        EdgeAuthn.Builder b = EdgeAuthn.newBuilder().setApiKeyHeader(apiKeyHeader).setRequirement(req);
        for (JwtProvider p : providers.values()) {
            if (accept.isEmpty() || accept.contains(p.getName())) {
                b.addJwtProviders(p);
            }
        }
        if (accept.isEmpty() || accept.contains("api-key")) {
            b.addAllApiKeys(apiKeys.values());
        }
        return b.build();
    }

    private static AuthRequirement.Mode mode(YamlNode n) {
        return switch (n.requiredString()) {
            case "public" -> AuthRequirement.Mode.PUBLIC;
            case "authenticated" -> AuthRequirement.Mode.AUTHENTICATED;
            default -> throw n.error("\"public\" or \"authenticated\"");
        };
    }

    private EdgeRateLimit rateLimit(YamlNode n) {
        List<YamlNode> names = n.isScalar() ? List.of(n) : n.list();
        EdgeRateLimit.Builder b = EdgeRateLimit.newBuilder();
        for (YamlNode name : names) {
            RateLimitRule rule = limits.get(name.requiredString());
            if (rule == null) {
                throw name.error("a rate limit declared under edge.rateLimits, one of " + limits.keySet());
            }
            b.addRules(rule);
        }
        return b.build();
    }

    private static RateLimitRule rule(String name, YamlNode n) {
        n.allowKeys(LIMIT_KEYS);
        RateLimitRule.Builder b = RateLimitRule.newBuilder().setName(name);
        b.setKey(switch (n.get("key").optString().orElse("client")) {
            case "client" -> RateLimitRule.Key.CLIENT;
            case "ip" -> RateLimitRule.Key.IP;
            case "route" -> RateLimitRule.Key.ROUTE;
            default -> throw n.get("key").error("client, ip or route");
        });
        b.setAlgorithm(switch (n.get("algorithm").optString().orElse("tokenBucket")) {
            case "tokenBucket" -> RateLimitRule.Algorithm.TOKEN_BUCKET;
            case "slidingWindow" -> RateLimitRule.Algorithm.SLIDING_WINDOW;
            default -> throw n.get("algorithm").error("tokenBucket or slidingWindow");
        });
        int requests = n.get("requests").intValue(-1, 1, 1_000_000_000);
        if (requests < 0) {
            throw n.get("requests").error("missing", "a positive integer");
        }
        b.setRequests(requests);
        b.setPer(proto(n.get("per").optDuration().orElseThrow(() -> n.get("per").error("missing", "a duration such as 1s or 1m"))));
        b.setBurst(n.get("burst").intValue(requests, 1, 1_000_000_000));
        b.setMode(switch (n.get("mode").optString().orElse("reject")) {
            case "reject" -> RateLimitRule.Mode.REJECT;
            case "throttle" -> RateLimitRule.Mode.THROTTLE;
            default -> throw n.get("mode").error("reject or throttle");
        });
        if (b.getMode() == RateLimitRule.Mode.THROTTLE && b.getAlgorithm() != RateLimitRule.Algorithm.TOKEN_BUCKET) {
            throw n.get("mode").error("throttle with " + n.get("algorithm").string(), "throttle only with tokenBucket");
        }
        b.setMaxDelay(proto(n.get("maxDelay").optDuration().orElse(Duration.ofMillis(500))));
        b.setMaxQueued(n.get("maxQueued").intValue(100, 1, 100_000));
        n.get("redis").optString().ifPresent(addr -> {
            if (!addr.matches("[A-Za-z0-9.-]+:[0-9]{1,5}|\\[[0-9a-fA-F:]+]:[0-9]{1,5}")) {
                throw n.get("redis").error("host:port of a Redis server");
            }
            if (b.getAlgorithm() != RateLimitRule.Algorithm.TOKEN_BUCKET) {
                throw n.get("redis").error("redis with slidingWindow", "a shared limit uses tokenBucket");
            }
            b.setShared(RedisStore.newBuilder().setAddress(addr)
                    .setKeyPrefix(n.get("redisKeyPrefix").optString().orElse("weft:rl:"))
                    .setTimeout(proto(Duration.ofMillis(200)))
                    .setFailClosed(n.get("failClosed").bool(false)));
        });
        return b.build();
    }

    static com.google.protobuf.Duration proto(Duration d) {
        return Durations.fromNanos(d.toNanos());
    }
}
