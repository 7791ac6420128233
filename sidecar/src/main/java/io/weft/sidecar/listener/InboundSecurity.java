package io.weft.sidecar.listener;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.proto.MeshNames;
import io.weft.proto.identity.SpiffeId;
import io.weft.sidecar.config.ConfigSnapshot;
import io.weft.sidecar.filter.authz.AuthzDecision;
import io.weft.sidecar.filter.authz.AuthzFilter;
import io.weft.sidecar.model.ListenerSpec;
import io.weft.sidecar.tls.MeshTls;
import java.util.Optional;

/**
 * What the inbound listener does for security on every request: authorize it from the verified peer
 * certificate, and tell the app who called in {@code x-forwarded-client-cert} — always rewritten
 * from the connection, never passed on from the caller.
 */
final class InboundSecurity {
    static final HeaderName XFCC = HeaderNames.create("x-forwarded-client-cert");

    private InboundSecurity() {
    }

    /** Returns false after answering 403 (flag {@code RBAC}) when the inbound policy denies the request. */
    static boolean authorize(ConfigSnapshot snap, Optional<SpiffeId> peer, ServerRequest req, String path, ServerResponse res) {
        ListenerSpec spec = snap.sources().listeners().get(MeshNames.INBOUND_LISTENER);
        if (spec == null || spec.authz().isEmpty()) {
            return true;
        }
        AuthzDecision d = AuthzFilter.create(spec.authz().get()).decide(peer, req.prologue().method().text(), path,
                name -> req.headers().first(HeaderNames.create(name)));
        if (d.allowed()) {
            return true;
        }
        ProxyHandler.local(res, Status.FORBIDDEN_403, ResponseFlags.RBAC, "access denied by policy " + d.policy()
                + " for " + peer.map(SpiffeId::uri).orElse("a caller without a certificate"));
        return false;
    }

    /** Replaces any caller-supplied {@code x-forwarded-client-cert} with what the connection proved. */
    static void clientCertHeader(ClientRequest<?> out, Optional<MeshTls> tls, Optional<SpiffeId> peer) {
        out.headers(h -> {
            h.remove(XFCC);
            if (peer.isPresent() && tls.isPresent()) {
                h.set(XFCC, "URI=" + peer.get().uri());
            }
        });
    }
}
