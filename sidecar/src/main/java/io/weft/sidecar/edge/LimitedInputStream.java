package io.weft.sidecar.edge;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Streams a request body through, failing with 413 once more than the limit has passed. */
final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private long seen;

    LimitedInputStream(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        seen += n;
        if (seen > max) {
            throw EdgeRequest.tooLarge(max);
        }
    }
}
