package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {

    @TempDir
    Path dir;

    private static final int COUNT = 3;
    private static final int ROWS = 2;
    private static final int COLS = 3;

    /** Pixel j of image i: distinct, covering 0 and 255 so that unsigned reading is checked. */
    private static int pixel(int i, int j) {
        return i == 2 ? 255 - j : i * 50 + j * 7;
    }

    private static byte[] images(int magic, int count, int rows, int cols, int pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int k = 0; k < pixels; k++) {
            b.put((byte) pixel(k / (rows * cols), k % (rows * cols)));
        }
        return b.array();
    }

    private static byte[] images() {
        return images(IdxDataset.IMAGES_MAGIC, COUNT, ROWS, COLS, COUNT * ROWS * COLS);
    }

    private static byte[] labels(int magic, int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(labels.length);
        for (int label : labels) {
            b.put((byte) label);
        }
        return b.array();
    }

    private static byte[] labels() {
        return labels(IdxDataset.LABELS_MAGIC, 7, 0, 200);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private void assertSmallDataset(IdxDataset data) {
        assertThat(data.size()).isEqualTo(COUNT);
        assertThat(data.rows()).isEqualTo(ROWS);
        assertThat(data.cols()).isEqualTo(COLS);
        assertThat(data.features()).isEqualTo(6);
        assertThat(data.label(0)).isEqualTo(7);
        assertThat(data.label(2)).as("labels are unsigned bytes").isEqualTo(200);
        float[] out = new float[8];
        Arrays.fill(out, -1f);
        data.pixels(2, out);
        assertThat(out).containsExactly(255f, 254f, 253f, 252f, 251f, 250f, -1f, -1f);
        Example e = data.example(1, "s", 42L);
        assertThat(e.source()).isEqualTo("s");
        assertThat(e.timestamp()).isEqualTo(42L);
        assertThat(e.label()).isEqualTo(0.0);
        assertThat(e.isDense()).isTrue();
        assertThat(e.values()).containsExactly(50f, 57f, 64f, 71f, 78f, 85f);
    }

    /**
     * Reading scaled: an image decoded through the scaler's byte table is bit for bit the image
     * read and then scaled, every pixel value 0..255 included; a scaler without a table scales after.
     */
    @Test
    void readScaled_isReadThenScaled() throws IOException {
        int count = 4;
        ByteBuffer allBytes = ByteBuffer.allocate(16 + count * 64);
        allBytes.putInt(IdxDataset.IMAGES_MAGIC).putInt(count).putInt(8).putInt(8);
        for (int b = 0; b < count * 64; b++) {
            allBytes.put((byte) b);
        }
        Path images = write("all-bytes", allBytes.array());
        try (FileDataset data = FileDataset.openIdx(images, write("l4", labels(IdxDataset.LABELS_MAGIC, 1, 2, 3, 4)))) {
            FeatureScaler divide = FeatureScaler.divideBy(255);
            FeatureScaler standardize = Standardizer.fit(List.of(data.read(0).example(), data.read(3).example()), 64);
            java.util.Set<Float> seen = new java.util.HashSet<>();
            for (FeatureScaler scaler : List.of(divide, standardize, FeatureScaler.none())) {
                for (int row = 0; row < count; row++) {
                    FileDataset.Parsed scaled = data.read(row, scaler);
                    FileDataset.Parsed read = data.read(row);
                    assertThat(scaled.line()).isEqualTo(read.line());
                    assertThat(scaled.origin()).isEqualTo(read.origin());
                    assertThat(scaled.example().label()).isEqualTo(read.example().label());
                    assertThat(scaled.example().values()).as("%s row %d", scaler, row)
                            .containsExactly(scaler.apply(read.example()).values());
                    assertThat(scaled.example().bytes()).as("held as bytes unless scaled per feature")
                            .matches(bytes -> (bytes != null) == (scaler != standardize));
                    for (float v : read.example().values()) {
                        seen.add(v);
                    }
                }
            }
            assertThat(seen).as("every byte value read").hasSize(256);
        }
    }

    @Test
    void read_plain() throws IOException {
        assertSmallDataset(IdxDataset.read(write("images-idx3-ubyte", images()), write("labels-idx1-ubyte", labels())));
    }

    @Test
    void read_gzip_anyName_andMixedWithPlain() throws IOException {
        Path images = write("images-idx3-ubyte.gz", RowReadersTest.gzip(images()));
        Path labels = write("labels.bin", RowReadersTest.gzip(labels()));
        assertSmallDataset(IdxDataset.read(images, labels));
        assertSmallDataset(IdxDataset.read(images, write("labels-plain.gz", labels())));
    }

    @Test
    void read_zeroImages_isEmptyDataset() throws IOException {
        IdxDataset data = IdxDataset.read(write("i", images(IdxDataset.IMAGES_MAGIC, 0, 28, 28, 0)),
                write("l", labels(IdxDataset.LABELS_MAGIC)));
        assertThat(data.size()).isZero();
        assertThat(data.features()).isEqualTo(784);
        assertThatThrownBy(() -> data.label(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void wrongMagic_namesFileAndMagic() throws IOException {
        Path images = write("train-images-idx3-ubyte", images());
        Path labels = write("train-labels-idx1-ubyte", labels());
        assertThatThrownBy(() -> IdxDataset.read(labels, images)).isInstanceOf(FormatException.class)
                .hasMessage("train-labels-idx1-ubyte is not an IDX images file (magic 0x00000801, expected 0x00000803)");
        assertThatThrownBy(() -> IdxDataset.read(images, images)).isInstanceOf(FormatException.class)
                .hasMessage("train-images-idx3-ubyte is not an IDX labels file (magic 0x00000803, expected 0x00000801)");
        Path floats = write("floats", images(0x00000d03, COUNT, ROWS, COLS, 18));
        assertThatThrownBy(() -> IdxDataset.read(floats, labels)).isInstanceOf(FormatException.class)
                .hasMessage("floats is not an IDX images file (magic 0x00000d03, expected 0x00000803)");
        Path text = write("text.gz", "label,f1\n1,2\n".getBytes());
        assertThatThrownBy(() -> IdxDataset.read(text, labels)).isInstanceOf(FormatException.class)
                .hasMessage("text.gz is not an IDX images file (magic 0x6c616265, expected 0x00000803)");
    }

    @Test
    void truncatedPixels_plainAndGzip() throws IOException {
        byte[] cut = Arrays.copyOf(images(), 16 + 10);
        Path labels = write("l", labels());
        Path plain = write("train-images-idx3-ubyte", cut);
        assertThatThrownBy(() -> IdxDataset.read(plain, labels)).isInstanceOf(FormatException.class)
                .hasMessage("train-images-idx3-ubyte is truncated: expected 18 bytes of pixels, got 10");
        Path gz = write("train-images-idx3-ubyte.gz", RowReadersTest.gzip(cut));
        assertThatThrownBy(() -> IdxDataset.read(gz, labels)).isInstanceOf(FormatException.class)
                .hasMessage("train-images-idx3-ubyte.gz is truncated: expected 18 bytes of pixels, got 10");
    }

    @Test
    void truncatedGzipStream_reportedAsTruncatedFile() throws IOException {
        // a download cut in the middle of the compressed stream (not a complete gzip of fewer bytes)
        byte[] big = images(IdxDataset.IMAGES_MAGIC, 1000, 28, 28, 1000 * 784);
        byte[] gz = RowReadersTest.gzip(big);
        Path file = write("cut-images.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxDataset.read(file, write("l", labels())))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("cut-images.gz is truncated: expected 784000 bytes of pixels, got ");
    }

    @Test
    void truncatedHeaderOrLabels() throws IOException {
        Path images = write("i", images());
        Path empty = write("empty", new byte[0]);
        assertThatThrownBy(() -> IdxDataset.read(empty, write("l", labels()))).isInstanceOf(FormatException.class)
                .hasMessage("empty is truncated: expected an IDX header of 16 bytes, got 0");
        Path shortLabels = write("short-labels", Arrays.copyOf(labels(), 9));
        assertThatThrownBy(() -> IdxDataset.read(images, shortLabels)).isInstanceOf(FormatException.class)
                .hasMessage("short-labels is truncated: expected 3 bytes of labels, got 1");
        Path tinyLabels = write("tiny-labels", new byte[] {0, 0, 8, 1, 0});
        assertThatThrownBy(() -> IdxDataset.read(images, tinyLabels)).isInstanceOf(FormatException.class)
                .hasMessage("tiny-labels is truncated: expected an IDX header of 8 bytes, got 5");
    }

    @Test
    void trailingBytes_rejected() throws IOException {
        byte[] longer = Arrays.copyOf(images(), images().length + 5);
        assertThatThrownBy(() -> IdxDataset.read(write("i", longer), write("l", labels())))
                .isInstanceOf(FormatException.class)
                .hasMessage("i has 5 bytes after the 18 bytes of pixels its header announces");
    }

    @Test
    void countMismatch_rejected() throws IOException {
        Path labels = write("train-labels", labels(IdxDataset.LABELS_MAGIC, 1, 2));
        assertThatThrownBy(() -> IdxDataset.read(write("train-images", images()), labels))
                .isInstanceOf(FormatException.class)
                .hasMessage("train-images has 3 images but train-labels has 2 labels");
    }

    @Test
    void badDimensions_rejected() throws IOException {
        Path labels = write("l", labels());
        assertThatThrownBy(() -> IdxDataset.read(write("zero", images(IdxDataset.IMAGES_MAGIC, 3, 0, 3, 0)), labels))
                .isInstanceOf(FormatException.class).hasMessage("zero has invalid dimensions 3 x 0 x 3");
        assertThatThrownBy(() -> IdxDataset.read(write("neg", images(IdxDataset.IMAGES_MAGIC, -1, 2, 3, 0)), labels))
                .isInstanceOf(FormatException.class).hasMessage("neg has invalid dimensions 4294967295 x 2 x 3");
        assertThatThrownBy(() -> IdxDataset.read(
                        write("huge", images(IdxDataset.IMAGES_MAGIC, 100_000, 1000, 1000, 0)), labels))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("huge is too large: 100000 images of 1000 x 1000 pixels exceed ");
    }

    @Test
    void pixels_outputTooSmall_rejected() throws IOException {
        IdxDataset data = IdxDataset.read(write("i", images()), write("l", labels()));
        assertThatThrownBy(() -> data.pixels(0, new float[5])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output array has 5 elements, an image has 6 pixels");
        assertThatThrownBy(() -> data.pixels(3, new float[6])).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The real Fashion-MNIST files of the Debian package dataset-fashion-mnist, when installed. */
    @Test
    void fashionMnist_smoke() throws IOException {
        Path base = Path.of("/usr/share/datasets/fashion-mnist");
        Path trainImages = base.resolve("train-images-idx3-ubyte.gz");
        Path trainLabels = base.resolve("train-labels-idx1-ubyte.gz");
        Path testImages = base.resolve("t10k-images-idx3-ubyte.gz");
        Path testLabels = base.resolve("t10k-labels-idx1-ubyte.gz");
        Assumptions.assumeTrue(Files.isReadable(trainImages) && Files.isReadable(trainLabels)
                && Files.isReadable(testImages) && Files.isReadable(testLabels), "fashion-mnist is not installed");
        IdxDataset train = IdxDataset.read(trainImages, trainLabels);
        IdxDataset test = IdxDataset.read(testImages, testLabels);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        for (IdxDataset data : new IdxDataset[] {train, test}) {
            assertThat(data.features()).isEqualTo(784);
            int[] perClass = new int[10];
            float max = 0;
            float[] pixels = new float[784];
            for (int i = 0; i < data.size(); i++) {
                assertThat(data.label(i)).isBetween(0, 9);
                perClass[data.label(i)]++;
                data.pixels(i, pixels);
                for (float p : pixels) {
                    max = Math.max(max, p);
                }
            }
            // Fashion-MNIST is balanced: 6000 (train) or 1000 (test) images per class
            assertThat(perClass).containsOnly(data.size() / 10);
            assertThat(max).isEqualTo(255f);
        }
    }
}
