package io.weft.sidecar.filter.authn;

import io.helidon.http.HeaderName;
import io.weft.sidecar.edge.EdgeFilter;
import io.weft.sidecar.edge.EdgeRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the authentication filter of a route; key sets are shared through the runtime. */
public final class AuthnFilterFactory {
    /** Headers the edge sets from a verified identity; it strips any client-sent copy on every route. */
    public static final Set<HeaderName> TRUSTED_HEADERS =
            Set.of(AuthnFilter.IDENTITY, AuthnFilter.AUTH_METHOD, AuthnFilter.SCOPES);

    private AuthnFilterFactory() {
    }

    public static EdgeFilter create(AuthnConfig config, EdgeRuntime runtime) {
        List<JwtVerifier> verifiers = new ArrayList<>();
        Map<String, Map<String, String>> claimHeaders = new HashMap<>();
        for (AuthnConfig.JwtProvider p : config.providers()) {
            JwksSource keys = runtime.shared(p.keys(), () -> JwksSource.start(p.keys(), runtime.clock()));
            verifiers.add(new JwtVerifier(p, keys, runtime.clock()));
            claimHeaders.put(p.name(), p.claimHeaders());
        }
        return new AuthnFilter(verifiers, claimHeaders, new ApiKeys(config.apiKeys()), config.apiKeyHeader(),
                config.requirement());
    }
}
