package io.weft.sidecar.tls;

import io.weft.proto.identity.TlsDefaults;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The inbound listener's SSL context. For every accepted connection it reads the first byte: a TLS
 * handshake record (0x16) gets a server-mode JSSE socket requiring a client certificate; anything
 * else is plaintext. The current {@link MtlsMode} then decides: STRICT refuses plaintext, DISABLE
 * refuses TLS, PERMISSIVE takes both. The mode is read per connection, so a change pushed over xDS
 * applies to the next connection without rebinding the port. Everything else is the wrapped JSSE
 * context; no cryptography happens here.
 */
final class DetectingSslContext extends SSLContext {
    private static final Logger LOG = System.getLogger(DetectingSslContext.class.getName());
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int FIRST_BYTE_TIMEOUT_MS = 10_000;

    DetectingSslContext(SSLContext jsse, Supplier<MtlsMode> mode, InboundObserver observer) {
        super(new Spi(jsse, mode, observer), jsse.getProvider(), jsse.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext jsse;
        private final SSLSocketFactory factory;

        Spi(SSLContext jsse, Supplier<MtlsMode> mode, InboundObserver observer) {
            this.jsse = Objects.requireNonNull(jsse, "jsse");
            this.factory = new DetectingFactory(jsse.getSocketFactory(), mode, observer);
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return factory;
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return jsse.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return jsse.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return jsse.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return jsse.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return jsse.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return TlsDefaults.parameters(true, List.of());
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return jsse.getSupportedSSLParameters();
        }
    }

    private static final class DetectingFactory extends SSLSocketFactory {
        private final SSLSocketFactory jsse;
        private final Supplier<MtlsMode> mode;
        private final InboundObserver observer;

        DetectingFactory(SSLSocketFactory jsse, Supplier<MtlsMode> mode, InboundObserver observer) {
            this.jsse = jsse;
            this.mode = mode;
            this.observer = observer;
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            String peer = s.getInetAddress() == null ? "?" : s.getInetAddress().getHostAddress();
            int first;
            int timeout = s.getSoTimeout();
            s.setSoTimeout(FIRST_BYTE_TIMEOUT_MS);
            try {
                first = s.getInputStream().read();
            } catch (SocketTimeoutException e) {
                s.close();
                throw new SSLHandshakeException("connection from " + peer + " sent nothing for " + FIRST_BYTE_TIMEOUT_MS + " ms");
            } finally {
                if (!s.isClosed()) {
                    s.setSoTimeout(timeout);
                }
            }
            if (first < 0) {
                s.close();
                throw new SSLHandshakeException("connection from " + peer + " closed before its first byte");
            }
            MtlsMode m = mode.get();
            byte[] head = {(byte) first};
            if (first == TLS_HANDSHAKE) {
                if (!m.acceptsTls()) {
                    throw refuse(s, peer, "TLS on a listener whose mTLS mode is DISABLE (expected: plaintext)");
                }
                SSLSocket ssl = (SSLSocket) jsse.createSocket(s, new ByteArrayInputStream(head), autoClose);
                ssl.setUseClientMode(false);
                ssl.setSSLParameters(TlsDefaults.parameters(true, List.of()));
                return ssl;
            }
            if (!m.acceptsPlaintext()) {
                throw refuse(s, peer, "plaintext on a listener whose mTLS mode is STRICT (expected: mTLS)");
            }
            observer.plaintextAccepted(peer);
            return new PlaintextSslSocket(s, head);
        }

        private SSLHandshakeException refuse(Socket s, String peer, String why) throws IOException {
            LOG.log(Level.WARNING, "inbound: refused connection from " + peer + ": " + why);
            observer.refused(peer, why);
            s.close();
            return new SSLHandshakeException("refused " + peer + ": " + why);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return TlsDefaults.CIPHER_SUITES.toArray(String[]::new);
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return jsse.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            throw new IOException("inbound listener context: server sockets only");
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("inbound listener context: server sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("inbound listener context: server sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("inbound listener context: server sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            throw new IOException("inbound listener context: server sockets only");
        }
    }
}
