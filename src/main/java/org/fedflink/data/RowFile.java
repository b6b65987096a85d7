package org.fedflink.data;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Random access to the rows (physical lines, see {@link Row}) of one text file, plain or gzip.
 *
 * <p>{@link #open} scans the file once and keeps the start offset of every row: <b>8 bytes per
 * row</b> (80 MB for 10^7 rows), in 512 KiB pages so that no single huge array is needed and the
 * index never has to be copied while it grows. The top bit of each entry remembers whether the row
 * ended with CRLF, so a row's length — and whether it is oversized — is known without reading it;
 * oversized rows are never read.
 *
 * <p>A gzip file (recognised by its magic bytes, whatever its name) is decompressed in the same
 * scan into a temporary file under {@code tmpDir}, so that reads are positional reads on plain
 * bytes; the temporary file is deleted by {@link #close()} (and registered with
 * {@link java.io.File#deleteOnExit()} in case the JVM exits first). It needs as much disk as the
 * uncompressed data.
 *
 * <p>Reads are positional {@link FileChannel} reads. Sequential reads ({@code read(i)} after
 * {@code read(i - 1)}) go through a 1 MiB window, so reading a file in order costs one system call
 * per megabyte; other reads fetch exactly the row's bytes (one system call per row), which suits a
 * shuffled order. A file no larger than the window is read into it once. Measured on 10^7 rows
 * (229 MB): indexing 0.2 s (1.2 s from gzip), reading in order 0.3 s, in shuffled order about
 * 1.2 µs per row — dominated by cache misses on the random offsets, so memory-mapping was no faster.
 *
 * <p>Not thread-safe: meant to be confined to one reader (open one instance per reader thread).
 * The file must not change while it is open.
 */
public final class RowFile implements Closeable {

    private static final int WINDOW_BYTES = 1 << 20;
    private static final int SCAN_BUFFER = 1 << 20;
    private static final long CRLF = Long.MIN_VALUE; // top bit of an index entry
    private static final long OFFSET_MASK = Long.MAX_VALUE;

    private final Path file;
    private final Path tempCopy;
    private final FileChannel channel;
    private final int maxLineBytes;
    private final Index index;
    private final long dataBytes;
    private final boolean lastTerminated;

    private final byte[] window;
    private long windowStart;
    private int windowLength;
    private long lastRead = -2;
    private boolean closed;

    private RowFile(Path file, Path tempCopy, FileChannel channel, int maxLineBytes, Index index, long dataBytes,
            boolean lastTerminated) {
        this.file = file;
        this.tempCopy = tempCopy;
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        this.index = index;
        this.dataBytes = dataBytes;
        this.lastTerminated = lastTerminated;
        this.window = new byte[(int) Math.min(WINDOW_BYTES, Math.max(dataBytes, 1))];
    }

    /**
     * Scans {@code file} and indexes its rows.
     *
     * @param maxLineBytes rows longer than this are returned as oversized (no content); in
     *     {@code [1, LineReader.MAX_LINE_LIMIT]}
     * @param tmpDir where a gzip file is decompressed to (created if missing); {@code null} for the
     *     JVM's default temporary directory. Unused for plain files.
     * @throws FormatException when the file is a corrupt or truncated gzip file
     * @throws IOException when the file cannot be read (missing, unreadable) or the temporary file
     *     cannot be written
     */
    public static RowFile open(Path file, int maxLineBytes, Path tmpDir) throws IOException {
        Objects.requireNonNull(file, "file");
        LineReader.checkLimit(maxLineBytes);
        if (!LineReader.isGzip(file)) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                Indexer indexer = new Indexer();
                ByteBuffer bb = ByteBuffer.allocate(SCAN_BUFFER);
                long position = 0;
                int r;
                while ((r = channel.read(bb, position)) >= 0) {
                    if (r > 0) {
                        indexer.accept(bb.array(), 0, r);
                        position += r;
                    }
                    bb.clear();
                }
                return new RowFile(file, null, channel, maxLineBytes, indexer.index, position, indexer.lastTerminated());
            } catch (IOException | RuntimeException | Error e) {
                channel.close();
                throw e;
            }
        }
        Path dir = tmpDir != null ? tmpDir : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "fedflink-rows-", ".txt");
        temp.toFile().deleteOnExit();
        FileChannel channel = null;
        try {
            Indexer indexer = new Indexer();
            long total = 0;
            try (InputStream in = LineReader.open(file);
                    FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[SCAN_BUFFER];
                int r;
                while ((r = in.readNBytes(buf, 0, buf.length)) > 0) {
                    indexer.accept(buf, 0, r);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, r);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    total += r;
                }
            } catch (IOException e) {
                LineReader.throwIfBrokenGzip(file, e);
                throw e;
            }
            channel = FileChannel.open(temp, StandardOpenOption.READ);
            return new RowFile(file, temp, channel, maxLineBytes, indexer.index, total, indexer.lastTerminated());
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * The number of rows of a file (plain or gzip) by streaming through it, without building an
     * index or a temporary file.
     *
     * @throws FormatException when the file is a corrupt or truncated gzip file
     */
    public static long countRows(Path file) throws IOException {
        try (InputStream in = LineReader.open(file)) {
            byte[] buf = new byte[SCAN_BUFFER];
            long newlines = 0;
            byte last = '\n';
            int r;
            while ((r = in.read(buf, 0, buf.length)) >= 0) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        newlines++;
                    }
                }
                if (r > 0) {
                    last = buf[r - 1];
                }
            }
            return last == '\n' ? newlines : newlines + 1;
        } catch (IOException e) {
            LineReader.throwIfBrokenGzip(file, e);
            throw e;
        }
    }

    /** The file this was opened on (the gzip file, not its temporary copy). */
    public Path file() {
        return file;
    }

    /** The number of rows. */
    public long rows() {
        return index.size;
    }

    /** The limit above which rows are oversized. */
    public int maxLineBytes() {
        return maxLineBytes;
    }

    /**
     * Row {@code index} (0-based), whose line number is {@code index + 1}. An oversized row comes
     * back without content (and is not read).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < rows()}
     * @throws UncheckedIOException when reading fails
     */
    public Row read(long index) {
        if (closed) {
            throw new IllegalStateException("row file " + file.getFileName() + " is closed");
        }
        Objects.checkIndex(index, this.index.size);
        long entry = this.index.get(index);
        long start = entry & OFFSET_MASK;
        long end;
        if (index + 1 < this.index.size) {
            end = (this.index.get(index + 1) & OFFSET_MASK) - 1; // before the \n
        } else {
            end = lastTerminated ? dataBytes - 1 : dataBytes;
        }
        if (entry < 0) {
            end--; // the \r of a CRLF
        }
        long length = end - start;
        boolean sequential = index == lastRead + 1;
        lastRead = index;
        if (length > maxLineBytes) {
            return new Row(index + 1, null, length);
        }
        try {
            return new Row(index + 1, bytes(start, (int) length, sequential), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read row " + index + " of " + file.getFileName(), e);
        }
    }

    private byte[] bytes(long start, int length, boolean sequential) throws IOException {
        if (start >= windowStart && start + length <= windowStart + windowLength) {
            int from = (int) (start - windowStart);
            return Arrays.copyOfRange(window, from, from + length);
        }
        if (length <= window.length && (sequential || dataBytes <= window.length)) {
            fillWindow(dataBytes <= window.length ? 0 : start);
            int from = (int) (start - windowStart);
            return Arrays.copyOfRange(window, from, from + length);
        }
        byte[] out = new byte[length];
        readFully(ByteBuffer.wrap(out), start);
        return out;
    }

    private void fillWindow(long start) throws IOException {
        int length = (int) Math.min(window.length, dataBytes - start);
        windowStart = start;
        windowLength = 0; // invalid while filling, in case the read fails
        readFully(ByteBuffer.wrap(window, 0, length), start);
        windowLength = length;
    }

    private void readFully(ByteBuffer bb, long position) throws IOException {
        while (bb.hasRemaining()) {
            int r = channel.read(bb, position);
            if (r < 0) {
                throw new EOFException(file.getFileName() + " changed while open: it ends before byte " + position);
            }
            position += r;
        }
    }

    /** Closes the file and deletes the temporary copy of a gzip file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            if (tempCopy != null) {
                Files.deleteIfExists(tempCopy);
            }
        }
    }

    /** Row start offsets, 8 bytes per row, in fixed-size pages. */
    private static final class Index {
        private static final int PAGE_BITS = 16;
        private static final int PAGE_SIZE = 1 << PAGE_BITS;
        private static final int PAGE_MASK = PAGE_SIZE - 1;

        private long[][] pages = new long[1][];
        private long size;

        void add(long entry) {
            int page = (int) (size >>> PAGE_BITS);
            if (page == pages.length) {
                pages = Arrays.copyOf(pages, page * 2);
            }
            if (pages[page] == null) {
                pages[page] = new long[PAGE_SIZE];
            }
            pages[page][(int) (size & PAGE_MASK)] = entry;
            size++;
        }

        long get(long i) {
            return pages[(int) (i >>> PAGE_BITS)][(int) (i & PAGE_MASK)];
        }

        void markLastCrlf() {
            long i = size - 1;
            pages[(int) (i >>> PAGE_BITS)][(int) (i & PAGE_MASK)] |= CRLF;
        }
    }

    /** Finds row starts in a stream of chunks: a row starts at byte 0 and after every \n that is followed by a byte. */
    private static final class Indexer {
        final Index index = new Index();
        private long position; // absolute offset of the next chunk
        private boolean rowPending = true; // the next byte starts a row
        private long rowStart;
        private byte last = '\n';

        void accept(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            if (rowPending) {
                rowStart = position;
                index.add(rowStart);
                rowPending = false;
            }
            int end = off + len;
            int i = off;
            while (true) {
                int newline = LineReader.indexOfNewline(b, i, end);
                if (newline < 0) {
                    break;
                }
                long at = position + (newline - off);
                byte before = newline > off ? b[newline - 1] : last;
                if (at > rowStart && before == '\r') {
                    index.markLastCrlf();
                }
                i = newline + 1;
                if (i < end) {
                    rowStart = position + (i - off);
                    index.add(rowStart);
                } else {
                    rowPending = true;
                }
            }
            last = b[end - 1];
            position += len;
        }

        boolean lastTerminated() {
            return rowPending;
        }
    }
}
