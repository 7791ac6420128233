package io.weft.sidecar.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.Pem;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.model.UpstreamTlsSpec;
import io.weft.sidecar.tls.MtlsMode;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The security parts of xDS resources, as domain records: an inbound listener's mTLS mode (from its
 * {@code tls} / {@code raw_buffer} filter chains), a cluster's
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

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type, String where)
            throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": type " + any.getTypeUrl() + " (expected: " + type.getSimpleName() + ")");
        }
    }
}
