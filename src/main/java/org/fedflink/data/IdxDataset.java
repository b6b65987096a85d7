package org.fedflink.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image data set in the IDX format of MNIST and Fashion-MNIST: an images file (magic
 * {@code 0x00000803}: unsigned bytes, 3 dimensions — count, rows, columns) and a labels file
 * (magic {@code 0x00000801}: unsigned bytes, 1 dimension — count). Each file may be plain or gzip
 * (recognised by its magic bytes, whatever its name). All integers in the headers are big-endian.
 *
 * <p>Both files are validated completely before anything is returned: the magic numbers, the
 * header dimensions, equal image and label counts, and a length exactly as the header implies (a
 * truncated download and a file with trailing bytes are both rejected). Every problem is a
 * {@link FormatException} with a one-line message naming the file.
 *
 * <p><b>Memory:</b> all pixels are held in one {@code byte[]} of {@code size() * features()} bytes
 * (Fashion-MNIST: 60 000 × 784 = 47 MB for the training set, 7.8 MB for the test set) plus one
 * byte per label, so the images file can have at most {@code Integer.MAX_VALUE - 16} pixels in
 * all. Examples are expanded to {@code float[]} only on demand, one at a time.
 *
 * <p>Immutable after {@link #read} and safe to share between threads; deliberately not
 * {@link java.io.Serializable} — read it where it is used rather than shipping 47 MB in a closure.
 */
public final class IdxDataset {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int MAX_PIXELS = Integer.MAX_VALUE - 16;

    private final int size;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    /** null when read without labels */
    private final byte[] labels;

    private IdxDataset(int size, int rows, int cols, byte[] pixels, byte[] labels) {
        this.size = size;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Reads and validates an images file and its labels file.
     *
     * @throws FormatException when either file is not a valid IDX file of its kind, is truncated or
     *     too long, is a corrupt gzip file, or the counts differ
     * @throws IOException when a file cannot be read at all (e.g. it does not exist)
     */
    public static IdxDataset read(Path images, Path labels) throws IOException {
        Objects.requireNonNull(labels, "labels");
        return read(images, labels, true);
    }

    /**
     * Reads and validates an images file alone, for images to score: the examples then have no
     * label (NaN) and {@link #label} must not be called.
     *
     * @throws FormatException when the file is not a valid IDX images file
     * @throws IOException when the file cannot be read at all
     */
    public static IdxDataset readImages(Path images) throws IOException {
        return read(images, null, false);
    }

    private static IdxDataset read(Path images, Path labels, boolean withLabels) throws IOException {
        Objects.requireNonNull(images, "images");
        int count;
        int rows;
        int cols;
        byte[] pixels;
        try (InputStream in = LineReader.open(images)) {
            byte[] header = readHeader(in, images, 16, IMAGES_MAGIC, "images");
            count = intAt(header, 4);
            rows = intAt(header, 8);
            cols = intAt(header, 12);
            if (count < 0 || rows < 1 || cols < 1) {
                throw new FormatException(images.getFileName() + " has invalid dimensions " + Integer.toUnsignedString(count)
                        + " x " + Integer.toUnsignedString(rows) + " x " + Integer.toUnsignedString(cols));
            }
            long total = (long) count * rows * cols;
            if ((long) rows * cols > MAX_PIXELS || total > MAX_PIXELS) {
                throw new FormatException(images.getFileName() + " is too large: " + count + " images of " + rows + " x "
                        + cols + " pixels exceed " + MAX_PIXELS + " bytes in memory");
            }
            pixels = readBody(in, images, (int) total, "pixels");
        } catch (IOException e) {
            LineReader.throwIfBrokenGzip(images, e);
            throw e;
        }
        if (!withLabels) {
            return new IdxDataset(count, rows, cols, pixels, null);
        }
        byte[] labelBytes;
        try (InputStream in = LineReader.open(labels)) {
            byte[] header = readHeader(in, labels, 8, LABELS_MAGIC, "labels");
            int labelCount = intAt(header, 4);
            if (labelCount < 0) {
                throw new FormatException(labels.getFileName() + " has an invalid label count "
                        + Integer.toUnsignedString(labelCount));
            }
            if (labelCount != count) {
                throw new FormatException(images.getFileName() + " has " + count + " images but "
                        + labels.getFileName() + " has " + labelCount + " labels");
            }
            labelBytes = readBody(in, labels, labelCount, "labels");
        } catch (IOException e) {
            LineReader.throwIfBrokenGzip(labels, e);
            throw e;
        }
        return new IdxDataset(count, rows, cols, pixels, labelBytes);
    }

    /**
     * The header; the magic number is checked as soon as it is read, so that a file of another
     * kind is reported as such even when it is shorter than the expected header.
     */
    private static byte[] readHeader(InputStream in, Path file, int length, int expectedMagic, String kind)
            throws IOException {
        byte[] header = new byte[length];
        int got = readUpTo(in, header, 4);
        if (got == 4 && intAt(header, 0) != expectedMagic) {
            throw new FormatException(String.format("%s is not an IDX %s file (magic 0x%08x, expected 0x%08x)",
                    file.getFileName(), kind, intAt(header, 0), expectedMagic));
        }
        if (got == 4) {
            got += readUpTo(in, header, 4, length - 4);
        }
        if (got < length) {
            throw new FormatException(file.getFileName() + " is truncated: expected an IDX header of " + length
                    + " bytes, got " + got);
        }
        return header;
    }

    /** Exactly {@code length} bytes, and then the end of the file. */
    private static byte[] readBody(InputStream in, Path file, int length, String what) throws IOException {
        byte[] body = new byte[length];
        int got = readUpTo(in, body, length);
        if (got < length) {
            throw new FormatException(file.getFileName() + " is truncated: expected " + length + " bytes of " + what
                    + ", got " + got);
        }
        long extra = 0;
        byte[] scratch = new byte[8192];
        int r;
        try {
            while ((r = in.read(scratch)) >= 0) {
                extra += r;
            }
        } catch (EOFException e) {
            // a gzip stream cut short after the data: the data is complete, the trailer is not
            throw new FormatException(file.getFileName() + " is a truncated gzip file", e);
        }
        if (extra > 0) {
            throw new FormatException(file.getFileName() + " has " + extra + " bytes after the " + length + " bytes of "
                    + what + " its header announces");
        }
        return body;
    }

    /**
     * Reads until {@code length} bytes or the end of the stream; a gzip stream cut short counts as
     * its end, so that a truncated {@code .gz} is reported like a truncated plain file.
     */
    private static int readUpTo(InputStream in, byte[] b, int length) throws IOException {
        return readUpTo(in, b, 0, length);
    }

    private static int readUpTo(InputStream in, byte[] b, int offset, int length) throws IOException {
        int got = 0;
        try {
            while (got < length) {
                int r = in.read(b, offset + got, length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream"
        }
        return got;
    }

    private static int intAt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    /** The number of images (= labels). */
    public int size() {
        return size;
    }

    /** Pixel rows of an image. */
    public int rows() {
        return rows;
    }

    /** Pixel columns of an image. */
    public int cols() {
        return cols;
    }

    /** Features per example: {@code rows() * cols()} (784 for MNIST). */
    public int features() {
        return rows * cols;
    }

    /** Whether the data set has labels ({@link #readImages} reads none). */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * The label of image {@code i}, as stored (0..255; 0..9 for MNIST).
     *
     * @throws IllegalStateException when the data set was read without labels
     */
    public int label(int i) {
        Objects.checkIndex(i, size);
        if (labels == null) {
            throw new IllegalStateException("the images were read without labels");
        }
        return labels[i] & 0xff;
    }

    /**
     * Writes the raw pixels of image {@code i} (0..255, row-major) into the first
     * {@code features()} elements of {@code out}.
     */
    public void pixels(int i, float[] out) {
        Objects.checkIndex(i, size);
        int features = features();
        if (out.length < features) {
            throw new IllegalArgumentException(
                    "output array has " + out.length + " elements, an image has " + features + " pixels");
        }
        int base = i * features;
        for (int j = 0; j < features; j++) {
            out[j] = pixels[base + j] & 0xff;
        }
    }

    /**
     * Image {@code i} as a dense example with raw pixel values (0..255; scale with
     * {@link FeatureScaler}); its label is NaN when the data set has no labels.
     */
    public Example example(int i, String source, long timestamp) {
        float[] values = new float[features()];
        pixels(i, values);
        return withValues(i, source, timestamp, values);
    }

    /**
     * Image {@code i} as a dense example holding its pixels as bytes, each standing for what {@code
     * scale} makes of it: a copy of 784 bytes, where decoding into floats wrote 3 KB per image —
     * in the one reader, which was the limit of logistic Fashion-MNIST (BENCHMARKS.md).
     */
    public Example example(int i, String source, long timestamp, ByteValues.Scale scale) {
        Objects.checkIndex(i, size);
        int features = features();
        int base = i * features;
        return Example.ofBytes(source, timestamp, labelOf(i),
                new ByteValues(Arrays.copyOfRange(pixels, base, base + features), scale));
    }

    /** Image {@code i}'s example with these feature values. */
    private Example withValues(int i, String source, long timestamp, float[] values) {
        return new Example(source, timestamp, labelOf(i), null, values);
    }

    /** Image {@code i}'s label as an example's, NaN when the data set has no labels. */
    private double labelOf(int i) {
        return labels == null ? Double.NaN : label(i);
    }
}
