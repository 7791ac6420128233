package io.weft.sidecar.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.SpiffeId;
import io.weft.proto.v1.AuthzAction;
import io.weft.proto.v1.AuthzHeader;
import io.weft.proto.v1.AuthzPolicy;
import io.weft.proto.v1.AuthzPrincipal;
import io.weft.proto.v1.Authorization;
import io.weft.sidecar.filter.authz.AuthzConfig;
import io.weft.sidecar.model.UpstreamTlsSpec;
import io.weft.sidecar.tls.MtlsMode;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The security parts of xDS resources, as domain records: an inbound listener's mTLS mode (from its
 * {@code tls} / {@code raw_buffer} filter chains), its authorization filter, a cluster's
 * {@code UpstreamTlsContext} and the trust-bundle secret. Refuses what it cannot honour, naming the
 * field. Stateless.
 */
public final class SecurityParser {
    private SecurityParser() {
    }

    /** The mTLS mode a listener's filter chains describe, or empty when none is TLS-aware. */
    static Optional<MtlsMode> mode(Listener l) throws InvalidResourceException {
        boolean tls = false;
        boolean raw = false;
        for (FilterChain fc : l.getFilterChainsList()) {
            String proto = fc.getFilterChainMatch().getTransportProtocol();
            if (fc.hasTransportSocket()) {
                DownstreamTlsContext ctx = unpack(fc.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class,
                        "Listener " + l.getName() + ": transport_socket");
                if (!ctx.getRequireClientCertificate().getValue()) {
                    throw new InvalidResourceException("Listener " + l.getName()
                            + ": require_client_certificate false (expected: true, mesh listeners are mutual TLS)");
                }
                tls = true;
            } else if (proto.equals("raw_buffer")) {
                raw = true;
            }
        }
        if (!tls) {
            return raw ? Optional.of(MtlsMode.DISABLE) : Optional.empty();
        }
        return Optional.of(raw ? MtlsMode.PERMISSIVE : MtlsMode.STRICT);
    }

    /** The authorization filter of an HCM, if it has one. */
    static Optional<AuthzConfig> authz(HttpConnectionManager hcm, String where) throws InvalidResourceException {
        for (HttpFilter f : hcm.getHttpFiltersList()) {
            if (f.getName().equals(MeshNames.AUTHZ_FILTER)) {
                return Optional.of(authz(unpack(f.getTypedConfig(), Authorization.class, where + ": http_filters " + f.getName()),
                        where + ": http_filters " + f.getName()));
            }
        }
        return Optional.empty();
    }

    static AuthzConfig authz(Authorization a, String where) throws InvalidResourceException {
        List<AuthzConfig.Policy> policies = new ArrayList<>();
        for (int i = 0; i < a.getPoliciesCount(); i++) {
            AuthzPolicy p = a.getPolicies(i);
            String at = where + ".policies[" + i + "]";
            if (p.getName().isEmpty()) {
                throw new InvalidResourceException(at + ".name: empty (expected: the policy's name)");
            }
            List<AuthzConfig.Principal> from = new ArrayList<>();
            for (AuthzPrincipal pr : p.getFromList()) {
                from.add(switch (pr.getMatchCase()) {
                    case EXACT -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.EXACT, pr.getExact());
                    case PREFIX -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.PREFIX, pr.getPrefix());
                    case NAMESPACE -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.NAMESPACE, pr.getNamespace());
                    case UNAUTHENTICATED -> new AuthzConfig.Principal(AuthzConfig.Principal.Kind.UNAUTHENTICATED, "");
                    case MATCH_NOT_SET -> throw new InvalidResourceException(at + ".from: empty matcher (expected: exact, prefix, namespace or unauthenticated)");
                });
            }
            List<AuthzConfig.HeaderRule> headers = new ArrayList<>();
            for (AuthzHeader h : p.getHeadersList()) {
                String name = h.getName().toLowerCase(Locale.ROOT);
                headers.add(switch (h.getMatchCase()) {
                    case EXACT -> new AuthzConfig.HeaderRule(name, Optional.of(h.getExact()), Optional.empty());
                    case REGEX -> {
                        try {
                            yield new AuthzConfig.HeaderRule(name, Optional.empty(), Optional.of(Pattern.compile(h.getRegex())));
                        } catch (PatternSyntaxException e) {
                            throw new InvalidResourceException(at + ".headers." + name + ".regex: \"" + h.getRegex()
                                    + "\" (expected: a valid regex: " + e.getDescription() + ")");
                        }
                    }
                    case PRESENT, MATCH_NOT_SET -> new AuthzConfig.HeaderRule(name, Optional.empty(), Optional.empty());
                });
            }
            policies.add(new AuthzConfig.Policy(p.getName(), action(p.getAction()), p.getDryRun(), from,
                    new HashSet<>(p.getPathsList()), p.getPathPrefixesList(), new HashSet<>(p.getMethodsList()), headers));
        }
        return new AuthzConfig(a.getService(), action(a.getDefaultAction()), policies);
    }

    /** mTLS to a cluster, when it has a TLS transport socket. */
    static Optional<UpstreamTlsSpec> upstream(Cluster c) throws InvalidResourceException {
        if (!c.hasTransportSocket()) {
            return Optional.empty();
        }
        String where = "Cluster " + c.getName() + ": transport_socket";
        UpstreamTlsContext ctx = unpack(c.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class, where);
        var validation = ctx.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext();
        Set<SpiffeId> peers = new HashSet<>();
        for (SubjectAltNameMatcher m : validation.getMatchTypedSubjectAltNamesList()) {
            if (m.getSanType() != SubjectAltNameMatcher.SanType.URI || m.getMatcher().getExact().isEmpty()) {
                throw new InvalidResourceException(where + ": match_typed_subject_alt_names " + m.getSanType()
                        + " (expected: URI with an exact SPIFFE id)");
            }
            peers.add(SpiffeId.tryParse(m.getMatcher().getExact()).orElseThrow(() -> new InvalidResourceException(where
                    + ": SAN \"" + m.getMatcher().getExact() + "\" (expected: spiffe://<td>/ns/<ns>/sa/<service>)")));
        }
        if (peers.isEmpty()) {
            throw new InvalidResourceException(where + ": no match_typed_subject_alt_names (expected: the destination's SPIFFE id)");
        }
        return Optional.of(new UpstreamTlsSpec(peers, ctx.getSni()));
    }

    /** The trust bundle of the {@value MeshNames#ROOT_CA_SECRET} secret. */
    public static List<X509Certificate> trustBundle(Secret s) throws InvalidResourceException {
        String pem = s.getValidationContext().getTrustedCa().getInlineString();
        try {
            return Pem.parseCertificates(pem);
        } catch (IllegalArgumentException e) {
            throw new InvalidResourceException("Secret " + s.getName() + ": validation_context.trusted_ca: " + e.getMessage());
        }
    }

    private static AuthzConfig.Action action(AuthzAction a) {
        return a == AuthzAction.DENY ? AuthzConfig.Action.DENY : AuthzConfig.Action.ALLOW;
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type, String where)
            throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": type " + any.getTypeUrl() + " (expected: " + type.getSimpleName() + ")");
        }
    }
}
