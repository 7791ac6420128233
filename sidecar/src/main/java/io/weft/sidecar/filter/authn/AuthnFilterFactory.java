package io.weft.sidecar.filter.authn;

import com.google.protobuf.Any;
import com.nimbusds.jose.jwk.JWKSet;
import io.helidon.http.HeaderName;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.AuthRequirement;
import io.weft.proto.v1.EdgeAuthn;
import io.weft.proto.v1.JwtProvider;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code weft.v1.EdgeAuthn} (filter {@code weft.edge.authn}) and makes the authentication
 * filter. Key sets (and their refresh) live in the proxy's shared resources, keyed by their source,
 * so a config push that keeps a provider keeps its keys.
 */
public final class AuthnFilterFactory implements HttpFilterFactory<AuthnConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeAuthn.getDescriptor().getFullName();
    /** Headers the edge sets from a verified identity; it strips any client-sent copy on every route. */
    public static final Set<HeaderName> TRUSTED_HEADERS =
            Set.of(AuthnFilter.IDENTITY, AuthnFilter.AUTH_METHOD, AuthnFilter.SCOPES);

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<AuthnConfig> configType() {
        return AuthnConfig.class;
    }

    @Override
    public AuthnConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeAuthn a = TypedConfigs.unpack(typedConfig, EdgeAuthn.class);
        List<AuthnConfig.JwtProvider> providers = new ArrayList<>();
        for (int i = 0; i < a.getJwtProvidersCount(); i++) {
            providers.add(provider(a.getJwtProviders(i), "jwt_providers[" + i + "]"));
        }
        List<AuthnConfig.ApiKey> keys = new ArrayList<>();
        for (var k : a.getApiKeysList()) {
            if (!k.getSha256().matches("[0-9a-f]{64}")) {
                throw new FilterConfigException("api_keys[" + k.getId() + "].sha256: not 64 lower-case hex digits");
            }
            keys.add(new AuthnConfig.ApiKey(k.getId(), k.getSha256(), Set.copyOf(k.getScopesList())));
        }
        AuthRequirement r = a.getRequirement();
        var req = new AuthnConfig.Requirement(r.getMode() == AuthRequirement.Mode.AUTHENTICATED,
                Set.copyOf(r.getScopesList()), r.getClaimsMap(), Set.copyOf(r.getAcceptList()));
        String header = a.getApiKeyHeader().isEmpty() ? "x-api-key" : a.getApiKeyHeader().toLowerCase(Locale.ROOT);
        return new AuthnConfig(providers, keys, header, req);
    }

    private static AuthnConfig.JwtProvider provider(JwtProvider p, String at) throws FilterConfigException {
        if (p.getIssuer().isEmpty()) {
            throw new FilterConfigException(at + ".issuer: empty (expected: the iss the tokens carry)");
        }
        Duration refresh = TypedConfigs.duration(p.getJwksRefresh(), Duration.ofMinutes(5));
        AuthnConfig.KeySource keys = switch (p.getKeysCase()) {
            case JWKS_URI -> new AuthnConfig.KeySource.Uri(p.getJwksUri(), refresh);
            case JWKS_FILE -> new AuthnConfig.KeySource.File(Path.of(p.getJwksFile()), refresh);
            case JWKS_INLINE -> {
                try {
                    JWKSet.parse(p.getJwksInline());
                } catch (ParseException e) {
                    throw new FilterConfigException(at + ".jwks_inline: not a JWKS document (" + e.getMessage() + ")");
                }
                yield new AuthnConfig.KeySource.Inline(p.getJwksInline());
            }
            case KEYS_NOT_SET -> throw new FilterConfigException(at + ".keys: not set (expected: jwks_uri, jwks_file or jwks_inline)");
        };
        List<String> algs = p.getAlgorithmsList().isEmpty() ? List.of("RS256", "ES256", "EdDSA") : p.getAlgorithmsList();
        for (String alg : algs) {
            if (alg.startsWith("HS") || alg.equals("none")) {
                throw new FilterConfigException(at + ".algorithms: \"" + alg + "\" (expected: asymmetric algorithms only)");
            }
        }
        return new AuthnConfig.JwtProvider(p.getName(), p.getIssuer(), p.getAudiencesList(), keys,
                TypedConfigs.duration(p.getClockSkew(), Duration.ofSeconds(30)), p.getClaimHeadersMap(),
                p.getMaxTokenBytes() == 0 ? 8192 : p.getMaxTokenBytes(), Set.copyOf(algs));
    }

    @Override
    public HttpFilter create(AuthnConfig config, FilterContext context) {
        List<JwtVerifier> verifiers = new ArrayList<>();
        Map<String, Map<String, String>> claimHeaders = new HashMap<>();
        for (AuthnConfig.JwtProvider p : config.providers()) {
            JwksSource keys = context.shared().get(p.keys(), JwksSource.class, () -> JwksSource.start(p.keys(), context.clock()));
            verifiers.add(new JwtVerifier(p, keys, context.clock()));
            claimHeaders.put(p.name(), p.claimHeaders());
        }
        return new AuthnFilter(verifiers, claimHeaders, new ApiKeys(config.apiKeys()), config.apiKeyHeader(),
                config.requirement());
    }
}
