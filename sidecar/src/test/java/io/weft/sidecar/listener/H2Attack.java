package io.weft.sidecar.listener;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw HTTP/2 (h2c, prior knowledge) frames for attack tests: no client library would send these. */
final class H2Attack {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int CONTINUATION = 9;

    private H2Attack() {
    }

    /** Opens and at once resets {@code streams} streams; true when the server answers with GOAWAY or a close. */
    static boolean rapidReset(int port, int streams) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            byte[] block = requestBlock();
            try {
                for (int i = 0; i < streams; i++) {
                    int id = 1 + 2 * i;
                    frame(out, HEADERS, 0x1 | 0x4, id, block);
                    frame(out, RST_STREAM, 0, id, new byte[] {0, 0, 0, 8});
                }
                out.flush();
            } catch (IOException closedWhileWriting) {
                return true;
            }
            return goAwayOrClose(s);
        }
    }

    /** One HEADERS frame without END_HEADERS, then endless CONTINUATION frames of junk header bytes. */
    static boolean continuationFlood(int port, int frames) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            byte[] junk = new byte[1024];
            for (int i = 0; i < junk.length; i += 8) { // literal header fields without indexing, 6-byte name, no value
                junk[i] = 0x00;
                junk[i + 1] = 0x05;
                System.arraycopy("x-abc".getBytes(StandardCharsets.US_ASCII), 0, junk, i + 2, 5);
                junk[i + 7] = 0x00;
            }
            try {
                frame(out, HEADERS, 0x1, 1, requestBlock());
                for (int i = 0; i < frames; i++) {
                    frame(out, CONTINUATION, 0, 1, junk);
                }
                out.flush();
            } catch (IOException closedWhileWriting) {
                return true;
            }
            return goAwayOrClose(s);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(PREFACE);
        frame(s.getOutputStream(), SETTINGS, 0, 0, new byte[0]);
        return s;
    }

    /** HPACK literal fields (no indexing, no Huffman) for GET http://svc/. */
    private static byte[] requestBlock() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] f : new String[][] {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "svc"}}) {
            b.write(0x00);
            b.write(f[0].length());
            b.writeBytes(f[0].getBytes(StandardCharsets.US_ASCII));
            b.write(f[1].length());
            b.writeBytes(f[1].getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
    }

    /** Reads frames until a GOAWAY or the end of the connection; false if neither comes within the timeout. */
    private static boolean goAwayOrClose(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        try {
            while (true) {
                int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                in.readInt();
                in.skipNBytes(len);
                if (type == GOAWAY) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // closed or reset
        }
    }
}
