package io.weft.sidecar.xds;

import com.nimbusds.jose.jwk.JWKSet;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.BodyConversion;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.EdgeCache;
import io.weft.proto.v1.EdgeGuard;
import io.weft.proto.v1.EdgeRateLimit;
import io.weft.proto.v1.EdgeTransform;
import io.weft.proto.v1.HeaderOps;
import io.weft.proto.v1.JsonOps;
import io.weft.proto.v1.JwtProvider;
import io.weft.proto.v1.RateLimitRule;
import io.weft.sidecar.filter.authn.AuthnConfig;
import io.weft.sidecar.filter.cache.CacheConfig;
import io.weft.sidecar.filter.guard.GuardConfig;
import io.weft.sidecar.filter.ratelimit.RateLimitConfig;
import io.weft.sidecar.filter.transform.TransformConfig;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The edge filters' typed configs (weft.v1) → their domain records, validated. Stateless. */
final class EdgeConfigs {
    private EdgeConfigs() {
    }

    static AuthnConfig authn(EdgeAuthn a, String where) throws InvalidResourceException {
        List<AuthnConfig.JwtProvider> providers = new ArrayList<>();
        for (int i = 0; i < a.getJwtProvidersCount(); i++) {
            JwtProvider p = a.getJwtProviders(i);
            String at = where + ".jwt_providers[" + i + "]";
            if (p.getIssuer().isEmpty()) {
                throw new InvalidResourceException(at + ".issuer: empty (expected: the iss the tokens carry)");
            }
            Duration refresh = duration(p.getJwksRefresh(), Duration.ofMinutes(5));
            AuthnConfig.KeySource keys = switch (p.getKeysCase()) {
                case JWKS_URI -> new AuthnConfig.KeySource.Uri(p.getJwksUri(), refresh);
                case JWKS_FILE -> new AuthnConfig.KeySource.File(Path.of(p.getJwksFile()), refresh);
                case JWKS_INLINE -> {
                    try {
                        JWKSet.parse(p.getJwksInline());
                    } catch (ParseException e) {
                        throw new InvalidResourceException(at + ".jwks_inline: not a JWKS document (" + e.getMessage() + ")");
                    }
                    yield new AuthnConfig.KeySource.Inline(p.getJwksInline());
                }
                case KEYS_NOT_SET -> throw new InvalidResourceException(at + ".keys: not set (expected: jwks_uri, jwks_file or jwks_inline)");
            };
            List<String> algs = p.getAlgorithmsList().isEmpty() ? List.of("RS256", "ES256", "EdDSA") : p.getAlgorithmsList();
            for (String alg : algs) {
                if (alg.startsWith("HS") || alg.equals("none")) {
                    throw new InvalidResourceException(at + ".algorithms: \"" + alg + "\" (expected: asymmetric algorithms only)");
                }
            }
            providers.add(new AuthnConfig.JwtProvider(p.getName(), p.getIssuer(), p.getAudiencesList(), keys,
                    duration(p.getClockSkew(), Duration.ofSeconds(30)), p.getClaimHeadersMap(),
                    p.getMaxTokenBytes() == 0 ? 8192 : p.getMaxTokenBytes(), java.util.Set.copyOf(algs)));
        }
        List<AuthnConfig.ApiKey> keys = new ArrayList<>();
        for (var k : a.getApiKeysList()) {
            if (!k.getSha256().matches("[0-9a-f]{64}")) {
                throw new InvalidResourceException(where + ".api_keys[" + k.getId() + "].sha256: not 64 lower-case hex digits");
            }
            keys.add(new AuthnConfig.ApiKey(k.getId(), k.getSha256(), java.util.Set.copyOf(k.getScopesList())));
        }
        AuthRequirement r = a.getRequirement();
        var req = new AuthnConfig.Requirement(r.getMode() == AuthRequirement.Mode.AUTHENTICATED,
                java.util.Set.copyOf(r.getScopesList()), r.getClaimsMap(), java.util.Set.copyOf(r.getAcceptList()));
        String header = a.getApiKeyHeader().isEmpty() ? "x-api-key" : a.getApiKeyHeader().toLowerCase(java.util.Locale.ROOT);
        return new AuthnConfig(providers, keys, header, req);
    }

    static RateLimitConfig rateLimit(EdgeRateLimit rl, String where) throws InvalidResourceException {
        List<RateLimitConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < rl.getRulesCount(); i++) {
            RateLimitRule r = rl.getRules(i);
            String at = where + ".rules[" + i + "]";
            Duration per = duration(r.getPer(), Duration.ZERO);
            if (r.getRequests() == 0 || per.isZero()) {
                throw new InvalidResourceException(at + ": requests " + r.getRequests() + " per " + per + " (expected: both > 0)");
            }
            Optional<RateLimitConfig.Redis> shared = Optional.empty();
            if (r.hasShared()) {
                String addr = r.getShared().getAddress();
                int colon = addr.lastIndexOf(':');
                int port;
                try {
                    port = colon < 0 ? -1 : Integer.parseInt(addr.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port <= 0 || port > 65535) {
                    throw new InvalidResourceException(at + ".shared.address: \"" + addr + "\" (expected: host:port)");
                }
                String host = addr.substring(0, colon).replace("[", "").replace("]", "");
                shared = Optional.of(new RateLimitConfig.Redis(host, port, r.getShared().getKeyPrefix(),
                        duration(r.getShared().getTimeout(), Duration.ofMillis(200)), r.getShared().getFailClosed()));
            }
            rules.add(new RateLimitConfig.Rule(r.getName().isEmpty() ? "limit-" + i : r.getName(),
                    RateLimitConfig.Key.valueOf(r.getKey().name()), RateLimitConfig.Algorithm.valueOf(r.getAlgorithm().name()),
                    r.getRequests(), per, r.getBurst() == 0 ? r.getRequests() : r.getBurst(),
                    RateLimitConfig.Mode.valueOf(r.getMode().name()), duration(r.getMaxDelay(), Duration.ofMillis(500)),
                    r.getMaxQueued() == 0 ? 100 : r.getMaxQueued(), shared));
        }
        return new RateLimitConfig(rules);
    }

    static TransformConfig transform(EdgeTransform t, String where) throws InvalidResourceException {
        Optional<TransformConfig.PathRewrite> path = Optional.empty();
        if (t.hasPath()) {
            try {
                Pattern.compile(t.getPath().getRegex());
            } catch (PatternSyntaxException e) {
                throw new InvalidResourceException(where + ".path.regex: \"" + t.getPath().getRegex()
                        + "\" (expected: a valid regex: " + e.getDescription() + ")");
            }
            path = Optional.of(new TransformConfig.PathRewrite(t.getPath().getRegex(), t.getPath().getSubstitution()));
        }
        var query = new TransformConfig.NameOps(t.getQuery().getSetMap(), t.getQuery().getRemoveList(), t.getQuery().getRenameMap());
        return new TransformConfig(names(t.getRequestHeaders()), names(t.getResponseHeaders()), json(t.getRequestJson()),
                json(t.getResponseJson()), path, query, conversion(t.getRequestBody()), conversion(t.getResponseBody()));
    }

    private static TransformConfig.NameOps names(HeaderOps h) {
        return new TransformConfig.NameOps(h.getSetMap(), h.getRemoveList(), h.getRenameMap());
    }

    private static TransformConfig.JsonOps json(JsonOps j) {
        return new TransformConfig.JsonOps(j.getRenameMap(), j.getRemoveList(), j.getInjectMap());
    }

    private static TransformConfig.Conversion conversion(BodyConversion c) {
        return switch (c) {
            case XML_TO_JSON -> TransformConfig.Conversion.XML_TO_JSON;
            case JSON_TO_XML -> TransformConfig.Conversion.JSON_TO_XML;
            default -> TransformConfig.Conversion.UNCHANGED;
        };
    }

    static CacheConfig cache(EdgeCache c, String where) {
        return new CacheConfig(duration(c.getDefaultTtl(), Duration.ZERO), c.getKeyHeadersList(), c.getKeyQueryList(),
                c.getMaxBodyBytes() == 0 ? 1 << 20 : c.getMaxBodyBytes());
    }

    static GuardConfig guard(EdgeGuard g, String where) throws InvalidResourceException {
        for (String cidr : java.util.stream.Stream.concat(g.getAllowCidrsList().stream(), g.getDenyCidrsList().stream()).toList()) {
            try {
                io.weft.sidecar.filter.guard.GuardFilterFactory.checkCidr(cidr);
            } catch (IllegalArgumentException e) {
                throw new InvalidResourceException(where + ".cidrs: " + e.getMessage());
            }
        }
        Optional<GuardConfig.Cors> cors = g.hasCors() ? Optional.of(new GuardConfig.Cors(g.getCors().getAllowOriginsList(),
                g.getCors().getAllowMethodsList(), g.getCors().getAllowHeadersList(), g.getCors().getExposeHeadersList(),
                g.getCors().getAllowCredentials(), duration(g.getCors().getMaxAge(), Duration.ofMinutes(10)))) : Optional.empty();
        return new GuardConfig(g.getMaxBodyBytes(), g.getAllowCidrsList(), g.getDenyCidrsList(), cors,
                g.hasDeprecatedAt() ? Optional.of(Instant.ofEpochSecond(g.getDeprecatedAt().getSeconds())) : Optional.empty(),
                g.hasSunsetAt() ? Optional.of(Instant.ofEpochSecond(g.getSunsetAt().getSeconds())) : Optional.empty(),
                g.getDeprecationLink().isEmpty() ? Optional.empty() : Optional.of(g.getDeprecationLink()));
    }

    private static Duration duration(com.google.protobuf.Duration d, Duration dflt) {
        Duration v = Duration.ofSeconds(d.getSeconds(), d.getNanos());
        return v.isZero() || v.isNegative() ? dflt : v;
    }
}
