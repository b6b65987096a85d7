package org.fedflink.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the {@link Row}s of a text stream one after the other, with bounded memory.
 *
 * <p>Lines are split at {@code \n} (one preceding {@code \r} is stripped, see {@link Row}). A line
 * longer than {@code maxLineBytes} is never buffered whole: its bytes are skipped as they stream
 * past and it comes back as an oversized row carrying its true length. So the memory is one 64 KiB
 * read buffer plus a line buffer that grows up to {@code maxLineBytes + 1} bytes (the {@code + 1}
 * holds a {@code \r} until the {@code \n} shows it was part of the terminator), whatever the input.
 * Both buffers are reused; every returned row has its own fresh {@code byte[]}.
 *
 * <p>Not thread-safe. {@link #close()} closes the underlying stream.
 */
public final class LineReader implements Closeable {

    /** The largest supported line limit: the line buffer must stay a Java array. */
    public static final int MAX_LINE_LIMIT = Integer.MAX_VALUE - 16;

    private static final int READ_BUFFER = 1 << 16;
    private static final int INITIAL_LINE_BUFFER = 1 << 10;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[READ_BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line;
    private long lineNumber;

    /**
     * @param in the stream to read; use {@link #open(Path)} for files (it gunzips)
     * @param maxLineBytes the longest line (content bytes, without terminator) that is returned
     *     with its content; in {@code [1, MAX_LINE_LIMIT]}
     */
    public LineReader(InputStream in, int maxLineBytes) {
        if (in == null) {
            throw new IllegalArgumentException("input stream is required");
        }
        this.in = in;
        this.maxLineBytes = checkLimit(maxLineBytes);
        this.line = new byte[Math.min(maxLineBytes + 1, INITIAL_LINE_BUFFER)];
    }

    static int checkLimit(int maxLineBytes) {
        if (maxLineBytes < 1 || maxLineBytes > MAX_LINE_LIMIT) {
            throw new IllegalArgumentException(
                    "maxLineBytes must be in [1, " + MAX_LINE_LIMIT + "] (got " + maxLineBytes + ")");
        }
        return maxLineBytes;
    }

    /**
     * Opens a file for reading, gunzipping it transparently when it starts with the gzip magic
     * bytes {@code 1f 8b} — whatever its name says (a {@code .txt} can be gzip, a {@code .gz} can
     * be plain). Concatenated gzip members are read as one stream. The result is buffered.
     *
     * <p>A corrupt or truncated gzip file fails later, while reading, with a
     * {@link ZipException} or {@link EOFException}.
     */
    public static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            BufferedInputStream buffered = new BufferedInputStream(raw, READ_BUFFER);
            if (!startsWithGzipMagic(buffered)) {
                return buffered;
            }
            return new BufferedInputStream(new GZIPInputStream(buffered, READ_BUFFER), READ_BUFFER);
        } catch (IOException | RuntimeException e) {
            // e.g. a gzip magic followed by a broken header
            raw.close();
            throw e;
        }
    }

    /** Whether the file starts with the gzip magic bytes. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 2)) {
            return startsWithGzipMagic(in);
        }
    }

    private static boolean startsWithGzipMagic(InputStream buffered) throws IOException {
        buffered.mark(2);
        int b1 = buffered.read();
        int b2 = b1 < 0 ? -1 : buffered.read();
        buffered.reset();
        return b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
    }

    /**
     * Throws the one-line {@link FormatException} when an I/O error means the file itself is
     * broken rather than unreadable — a corrupt ({@link ZipException}) or truncated
     * ({@link EOFException}) gzip stream; returns normally for other errors, which the caller
     * rethrows as they are.
     */
    static void throwIfBrokenGzip(Path file, IOException e) {
        if (e instanceof ZipException) {
            throw new FormatException(file.getFileName() + " is not a valid gzip file (" + e.getMessage() + ")", e);
        }
        if (e instanceof EOFException) {
            throw new FormatException(file.getFileName() + " is a truncated gzip file", e);
        }
    }

    /**
     * The next row, or {@code null} at the end of the stream.
     *
     * @throws IOException from the stream (for gzip input: {@link ZipException} when corrupt,
     *     {@link EOFException} when truncated)
     */
    public Row next() throws IOException {
        long raw = 0; // bytes before the \n, including a possible \r
        byte last = 0; // the last of those bytes
        final int capacity = maxLineBytes + 1;
        while (true) {
            if (pos == limit && !fill()) {
                if (raw == 0) {
                    return null; // end of stream right after a \n (or an empty stream)
                }
                return row(raw, last, false);
            }
            int newline = indexOfNewline(buf, pos, limit);
            int end = newline < 0 ? limit : newline;
            int n = end - pos;
            if (n > 0) {
                if (raw + n <= capacity) {
                    ensureLineCapacity((int) raw + n);
                    System.arraycopy(buf, pos, line, (int) raw, n);
                }
                // else: the line is over the limit whatever follows, so its content is dropped
                raw += n;
                last = buf[end - 1];
            }
            if (newline >= 0) {
                pos = newline + 1;
                return row(raw, last, true);
            }
            pos = limit;
        }
    }

    /**
     * Skips up to {@code rows} rows without copying their content (e.g. to resume a stream at a
     * checkpointed line).
     *
     * @return the number of rows skipped; less than {@code rows} only at the end of the stream
     */
    public long skip(long rows) throws IOException {
        if (rows < 0) {
            throw new IllegalArgumentException("rows to skip must not be negative (got " + rows + ")");
        }
        long skipped = 0;
        boolean inLine = false;
        while (skipped < rows) {
            if (pos == limit && !fill()) {
                if (inLine) {
                    skipped++;
                    lineNumber++;
                }
                return skipped;
            }
            int newline = indexOfNewline(buf, pos, limit);
            if (newline < 0) {
                inLine = true;
                pos = limit;
            } else {
                inLine = false;
                pos = newline + 1;
                skipped++;
                lineNumber++;
            }
        }
        return skipped;
    }

    /** The number of rows returned or skipped so far (the line number of the last one). */
    public long lineNumber() {
        return lineNumber;
    }

    private Row row(long raw, byte last, boolean terminated) {
        long length = terminated && raw > 0 && last == '\r' ? raw - 1 : raw;
        lineNumber++;
        if (length > maxLineBytes) {
            return new Row(lineNumber, null, length);
        }
        return new Row(lineNumber, Arrays.copyOf(line, (int) length), length);
    }

    private void ensureLineCapacity(int needed) {
        if (needed > line.length) {
            int grown = (int) Math.min((long) maxLineBytes + 1, Math.max(needed, 2L * line.length));
            line = Arrays.copyOf(line, grown);
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) {
            eof = true;
            pos = 0;
            limit = 0;
            return false;
        }
        pos = 0;
        limit = r;
        return true;
    }

    static int indexOfNewline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
