package io.weft.sidecar.edge;

import io.weft.sidecar.filter.LocalReplyException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Streams a request body through, failing with 413 ({@link LocalReplyException}) once more than the limit has passed. */
public final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private long seen;

    public LimitedInputStream(InputStream in, long max) {
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
            throw new LocalReplyException(413, "request body is larger than " + max + " bytes");
        }
    }
}
