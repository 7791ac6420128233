package io.weft.sidecar.upstream.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to secure new connections to one destination: a JSSE socket factory whose trust manager accepts
 * only the destination's identity (see {@code io.weft.sidecar.tls.MeshTls}), and the TLS parameters.
 * Equal instances share connection pools, so make one per destination and reuse it.
 */
public record UpstreamTls(String destination, SSLSocketFactory factory, SSLParameters parameters) {
    public UpstreamTls {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(parameters, "parameters");
    }

    /** Layers TLS over a connected socket and completes the handshake (the peer is verified here). */
    Socket handshake(Socket plain, InetSocketAddress address) throws IOException {
        SSLSocket s = (SSLSocket) factory.createSocket(plain, address.getHostString(), address.getPort(), true);
        s.setUseClientMode(true);
        s.setSSLParameters(parameters);
        s.startHandshake();
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpstreamTls t && t.destination.equals(destination) && t.factory == factory;
    }

    @Override
    public int hashCode() {
        return destination.hashCode() * 31 + System.identityHashCode(factory);
    }

    @Override
    public String toString() {
        return "mTLS to " + destination + " " + List.of(parameters.getProtocols());
    }
}
