package io.weft.controlplane.xds;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ProxyNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The xDS v3 server: holds the current {@link MeshView} and every open ADS stream (state of the
 * world and delta), and pushes a new view to each stream, which sends only what changed for it.
 *
 * <p>Thread-safety: {@link #update} may be called from any one thread at a time (the control
 * plane's rebuild thread); streams are served on gRPC threads.
 */
public final class XdsServer {
    private final Set<AdsStreamBase> streams = ConcurrentHashMap.newKeySet();
    private final XdsListener listener;
    private final Clock clock;
    private volatile MeshView view;

    public XdsServer(MeshState initial, XdsListener listener, Clock clock) {
        this.view = new MeshView(Objects.requireNonNull(initial, "initial"));
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The ADS service, with the interceptor that records each caller's address. */
    public ServerServiceDefinition service() {
        BindableService ads = new AdsService(this);
        ServerInterceptor peer = AdsService.peerInterceptor();
        return ServerInterceptors.intercept(ads, peer);
    }

    /** Makes {@code state} current and pushes it to every stream whose resources changed. */
    public void update(MeshState state) {
        MeshView next = new MeshView(state);
        view = next;
        for (AdsStreamBase s : streams) {
            s.push(next);
        }
    }

    public MeshState state() {
        return view.state();
    }

    /** A snapshot of every connected proxy, by node id. */
    public List<ProxyStatus> status() {
        List<ProxyStatus> out = new ArrayList<>();
        for (AdsStreamBase s : streams) {
            out.add(s.status());
        }
        out.sort(Comparator.comparing(p -> p.node().id()));
        return out;
    }

    public List<ProxyNode> connectedNodes() {
        return streams.stream().map(AdsStreamBase::node).toList();
    }

    MeshView view() {
        return view;
    }

    XdsListener listener() {
        return listener;
    }

    Clock clock() {
        return clock;
    }

    void opened(AdsStreamBase stream) {
        streams.add(stream);
        listener.connected(stream.node());
    }

    void closed(AdsStreamBase stream) {
        if (streams.remove(stream)) {
            listener.disconnected(stream.node());
        }
    }
}
