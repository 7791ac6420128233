package io.weft.sidecar.tls;

import io.weft.proto.identity.TlsDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A keep-alive HTTP/1.1 connection over a raw socket, TLS or not, for asserting what a peer sees. */
final class TlsClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private TlsClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static TlsClient plaintext(int port) throws IOException {
        return new TlsClient(new Socket("127.0.0.1", port));
    }

    static TlsClient tls(SSLContext ctx, int port, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        var p = TlsDefaults.parameters(false, List.of("http/1.1"));
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return new TlsClient(s);
    }

    /** GET {@code path}; returns "status body". */
    String get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        String h = head.toString();
        int status = Integer.parseInt(h.split(" ")[1]);
        int len = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        return status + " " + new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
