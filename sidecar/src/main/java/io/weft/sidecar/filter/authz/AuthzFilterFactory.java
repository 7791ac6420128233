package io.weft.sidecar.filter.authz;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.AuthzAction;
import io.weft.proto.v1.AuthzHeader;
import io.weft.proto.v1.AuthzOperation;
import io.weft.proto.v1.AuthzPolicy;
import io.weft.proto.v1.AuthzPrincipal;
import io.weft.proto.v1.Authorization;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Makes the inbound authorization filter from {@code weft.v1.Authorization}; regexes compiled here, once. */
public final class AuthzFilterFactory implements HttpFilterFactory<AuthzConfig> {
    @Override
    public String typeUrl() {
        return MeshNames.AUTHZ_TYPE;
    }

    @Override
    public Class<AuthzConfig> configType() {
        return AuthzConfig.class;
    }

    @Override
    public AuthzConfig parse(Any typedConfig) throws FilterConfigException {
        Authorization a;
        try {
            a = typedConfig.unpack(Authorization.class);
        } catch (InvalidProtocolBufferException e) {
            throw new FilterConfigException("typed_config: " + e.getMessage() + " (expected: a valid weft.v1.Authorization)");
        }
        List<AuthzConfig.Policy> policies = new ArrayList<>();
        for (int i = 0; i < a.getPoliciesCount(); i++) {
            policies.add(policy(a.getPolicies(i), "policies[" + i + "]"));
        }
        return new AuthzConfig(a.getService(), action(a.getDefaultAction()), policies);
    }

    @Override
    public HttpFilter create(AuthzConfig config, FilterContext context) {
        return new AuthzFilter(config);
    }

    private static AuthzConfig.Policy policy(AuthzPolicy p, String at) throws FilterConfigException {
        if (p.getName().isEmpty()) {
            throw new FilterConfigException(at + ".name: empty (expected: the policy's name)");
        }
        List<AuthzConfig.Principal> from = new ArrayList<>();
        for (AuthzPrincipal pr : p.getFromList()) {
            from.add(switch (pr.getMatchCase()) {
                case EXACT -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.EXACT, pr.getExact());
                case PREFIX -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.PREFIX, pr.getPrefix());
                case NAMESPACE -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.NAMESPACE, pr.getNamespace());
                case UNAUTHENTICATED -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.UNAUTHENTICATED, "");
                case MATCH_NOT_SET -> throw new FilterConfigException(at + ".from: empty matcher (expected: exact, prefix, "
                        + "namespace or unauthenticated)");
            });
        }
        List<AuthzConfig.Operation> to = new ArrayList<>();
        for (int j = 0; j < p.getToCount(); j++) {
            AuthzOperation o = p.getTo(j);
            List<AuthzConfig.HeaderRule> headers = new ArrayList<>();
            for (AuthzHeader h : o.getHeadersList()) {
                headers.add(header(h, at + ".to[" + j + "].headers." + h.getName()));
            }
            to.add(new AuthzConfig.Operation(new HashSet<>(o.getPathsList()), o.getPathPrefixesList(),
                    new HashSet<>(o.getMethodsList()), headers));
        }
        return new AuthzConfig.Policy(p.getName(), action(p.getAction()), p.getDryRun(), from, to);
    }

    private static AuthzConfig.HeaderRule header(AuthzHeader h, String at) throws FilterConfigException {
        String name = h.getName().toLowerCase(Locale.ROOT);
        return switch (h.getMatchCase()) {
            case EXACT -> new AuthzConfig.HeaderRule(name, Optional.of(h.getExact()), Optional.empty(), Optional.empty());
            case PREFIX -> new AuthzConfig.HeaderRule(name, Optional.empty(), Optional.of(h.getPrefix()), Optional.empty());
            case REGEX -> {
                try {
                    yield new AuthzConfig.HeaderRule(name, Optional.empty(), Optional.empty(), Optional.of(Pattern.compile(h.getRegex())));
                } catch (PatternSyntaxException e) {
                    throw new FilterConfigException(at + ".regex: \"" + h.getRegex() + "\" (expected: a valid regex: "
                            + e.getDescription() + ")");
                }
            }
            case PRESENT, MATCH_NOT_SET -> new AuthzConfig.HeaderRule(name, Optional.empty(), Optional.empty(), Optional.empty());
        };
    }

    private static AuthzConfig.Action action(AuthzAction a) {
        return a == AuthzAction.DENY ? AuthzConfig.Action.DENY : AuthzConfig.Action.ALLOW;
    }
}
