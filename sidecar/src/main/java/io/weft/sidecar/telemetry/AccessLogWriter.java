package io.weft.sidecar.telemetry;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The JSON access log: one line per request, written by its own thread. {@link #offer} never
 * blocks: it samples successes, always keeps errors, and drops (and counts) a line when the queue is
 * full. Formatting and I/O happen on the writer thread. Settings may change at any time
 * ({@link #configure}); lines already queued keep the fields they were queued with. Thread-safe.
 */
public final class AccessLogWriter implements AutoCloseable {
    static final int QUEUE = 8192;

    private record Settings(boolean enabled, String path, double successRatio, List<String> fields) {
    }

    private record Line(RequestRecord record, List<String> fields) {
    }

    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(QUEUE);
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile Settings settings = new Settings(false, "-", 1.0, RecordJson.FIELDS);
    private volatile boolean closed;
    private String openPath = "";
    private Writer out;

    private AccessLogWriter() {
        this.writer = Thread.ofPlatform().daemon().name("weft-access-log").start(this::drain);
    }

    public static AccessLogWriter start() {
        return new AccessLogWriter();
    }

    /**
     * @param path         a file (appended to) or "-" for standard output
     * @param successRatio share of successful requests logged, 0 to 1
     * @param fields       fields to write; empty for all
     * @throws IllegalArgumentException naming an unknown field
     */
    public void configure(boolean enabled, String path, double successRatio, List<String> fields) {
        Objects.requireNonNull(path, "path");
        settings = new Settings(enabled, path, successRatio, RecordJson.validate(fields));
    }

    /** Queues the record's line if it is to be logged; returns at once. */
    public void offer(RequestRecord r) {
        Settings s = settings;
        if (!s.enabled || closed) {
            return;
        }
        if (!r.alwaysLogged() && (s.successRatio <= 0
                || (s.successRatio < 1 && ThreadLocalRandom.current().nextDouble() >= s.successRatio))) {
            return;
        }
        if (!queue.offer(new Line(r, s.fields))) {
            dropped.increment();
        }
    }

    public long written() {
        return written.sum();
    }

    /** Lines lost because the writer could not keep up (or could not write). */
    public long dropped() {
        return dropped.sum();
    }

    private void drain() {
        StringBuilder sb = new StringBuilder(512);
        while (!closed || !queue.isEmpty()) {
            try {
                Line line = queue.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                Writer w = writer(settings.path);
                do {
                    sb.setLength(0);
                    RecordJson.write(sb, line.record, line.fields);
                    sb.append('\n');
                    if (w == null) {
                        dropped.increment();
                    } else {
                        w.write(sb.toString());
                        written.increment();
                    }
                    line = queue.poll();
                } while (line != null);
                if (w != null) {
                    w.flush();
                }
            } catch (InterruptedException e) {
                closed = true;
            } catch (IOException e) {
                dropped.increment();
                closeWriter();
            }
        }
        closeWriter();
    }

    /** The writer for {@code path}, reopened when the path changed; null when it cannot be opened. */
    private Writer writer(String path) {
        if (out != null && path.equals(openPath)) {
            return out;
        }
        closeWriter();
        try {
            out = path.equals("-")
                    ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
                        @Override
                        public void close() throws IOException {
                            flush(); // never close standard output
                        }
                    }
                    : Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            openPath = path;
        } catch (IOException | RuntimeException e) {
            System.err.println("weft: access log " + path + ": cannot open (" + e.getMessage() + "); lines are dropped");
            out = null;
            openPath = path;
        }
        return out;
    }

    private void closeWriter() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
            out = null;
        }
        openPath = "";
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
