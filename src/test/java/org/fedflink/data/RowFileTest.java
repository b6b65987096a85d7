package org.fedflink.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowFileTest {

    @TempDir
    Path dir;

    /**
     * About 300 000 rows and 7 MB: several index pages, several scan buffers and windows, with CRLF,
     * empty and oversized rows placed at random (so also across buffer boundaries).
     */
    private static byte[] bigContent(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 300_000; i++) {
            int kind = random.nextInt(100);
            int length = kind == 0 ? 0 : kind == 1 ? 200 + random.nextInt(2000) : random.nextInt(40);
            for (int j = 0; j < length; j++) {
                out.write('a' + random.nextInt(26));
            }
            if (random.nextInt(3) == 0) {
                out.write('\r');
            }
            out.write('\n');
        }
        out.writeBytes("last".getBytes(UTF_8));
        return out.toByteArray();
    }

    @Test
    void bigFile_randomAndSequentialReads_matchStreamingReader_plainAndGzip() throws IOException {
        byte[] content = bigContent(11);
        Path plain = dir.resolve("big.csv");
        Files.write(plain, content);
        Path gzip = dir.resolve("big.csv.gz");
        Files.write(gzip, RowReadersTest.gzip(content));
        List<Row> expected;
        try (LineReader reader = new LineReader(LineReader.open(plain), 150)) {
            expected = RowReadersTest.readAll(reader);
        }
        assertThat(expected).hasSize(300_001);
        assertThat(expected).anyMatch(Row::oversized);
        for (Path file : List.of(plain, gzip)) {
            try (RowFile rows = RowFile.open(file, 150, dir)) {
                assertThat(rows.rows()).isEqualTo(expected.size());
                assertThat(rows.file()).isEqualTo(file);
                for (long i = 0; i < rows.rows(); i++) {
                    assertSameRow(rows.read(i), expected.get((int) i));
                }
                RowOrder order = new RowOrder(rows.rows(), 1, true, 5);
                for (long i = 0; i < order.size(); i += 7) {
                    long index = order.rowAt(i);
                    assertSameRow(rows.read(index), expected.get((int) index));
                }
            }
            assertThat(RowFile.countRows(file)).isEqualTo(expected.size());
        }
    }

    private static void assertSameRow(Row actual, Row expected) {
        assertThat(actual.lineNumber()).isEqualTo(expected.lineNumber());
        assertThat(actual.length()).isEqualTo(expected.length());
        assertThat(actual.bytes()).isEqualTo(expected.bytes());
    }

    @Test
    void gzip_decompressedIntoTmpDir_deletedOnClose() throws IOException {
        Path tmp = dir.resolve("scratch/nested");
        Path file = dir.resolve("data.txt"); // gzip whatever the name
        Files.write(file, RowReadersTest.gzip("a\nb\n".getBytes(UTF_8)));
        RowFile rows = RowFile.open(file, 10, tmp);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).hasSize(1);
        }
        assertThat(rows.read(1).text()).isEqualTo("b");
        rows.close();
        rows.close(); // idempotent
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThatThrownBy(() -> rows.read(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("row file data.txt is closed");
    }

    @Test
    void plainFile_namedGz_noTempFile() throws IOException {
        Path tmp = dir.resolve("tmp");
        Path file = dir.resolve("data.gz");
        Files.write(file, "a\r\nb".getBytes(UTF_8));
        try (RowFile rows = RowFile.open(file, 10, tmp)) {
            assertThat(RowReadersTest.readAll(rows)).extracting(Row::text).containsExactly("a", "b");
        }
        assertThat(tmp).doesNotExist();
    }

    @Test
    void multiMemberGzip() throws IOException {
        byte[] a = RowReadersTest.gzip("1\n2".getBytes(UTF_8));
        byte[] b = RowReadersTest.gzip("3\n4\n".getBytes(UTF_8));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path file = dir.resolve("multi.gz");
        Files.write(file, both);
        try (RowFile rows = RowFile.open(file, 10, dir)) {
            assertThat(RowReadersTest.readAll(rows)).extracting(Row::text).containsExactly("1", "23", "4");
        }
    }

    @Test
    void read_outOfRange_throws() throws IOException {
        Path file = dir.resolve("two.txt");
        Files.write(file, "a\nb\n".getBytes(UTF_8));
        try (RowFile rows = RowFile.open(file, 10, null)) {
            assertThatThrownBy(() -> rows.read(2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> rows.read(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        Path empty = dir.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        try (RowFile rows = RowFile.open(empty, 10, null)) {
            assertThat(rows.rows()).isZero();
            assertThatThrownBy(() -> rows.read(0)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void oversizedRow_isNotRead_evenWhenRowsAreLongerThanTheWindow() throws IOException {
        // rows longer than the 1 MiB window: one oversized, one read directly
        byte[] longRow = new byte[(1 << 20) + 100];
        Arrays.fill(longRow, (byte) 'q');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(longRow);
        out.writeBytes("\r\nshort\n".getBytes(UTF_8));
        out.writeBytes(longRow);
        Path file = dir.resolve("long.txt");
        Files.write(file, out.toByteArray());
        try (RowFile small = RowFile.open(file, 10, dir)) {
            assertThat(small.read(0).oversized()).isTrue();
            assertThat(small.read(0).length()).isEqualTo(longRow.length);
            assertThat(small.read(1).text()).isEqualTo("short");
            assertThat(small.read(2).length()).isEqualTo(longRow.length);
        }
        try (RowFile large = RowFile.open(file, 2 << 20, dir)) {
            assertThat(large.read(0).bytes()).isEqualTo(longRow);
            assertThat(large.read(1).text()).isEqualTo("short");
            assertThat(large.read(2).bytes()).isEqualTo(longRow);
        }
    }

    @Test
    void corruptOrTruncatedGzip_isFormatException_andLeavesNoTempFile() throws IOException {
        Path tmp = dir.resolve("tmp");
        byte[] gz = RowReadersTest.gzip("line of text\n".repeat(1000).getBytes(UTF_8));
        Path truncated = dir.resolve("truncated.gz");
        Files.write(truncated, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> RowFile.open(truncated, 100, tmp)).isInstanceOf(FormatException.class)
                .hasMessage("truncated.gz is a truncated gzip file");
        assertThatThrownBy(() -> RowFile.countRows(truncated)).isInstanceOf(FormatException.class)
                .hasMessage("truncated.gz is a truncated gzip file");
        byte[] corrupt = gz.clone();
        for (int i = 20; i < corrupt.length - 8; i++) {
            corrupt[i] ^= 0x55;
        }
        Path bad = dir.resolve("bad.csv");
        Files.write(bad, corrupt);
        assertThatThrownBy(() -> RowFile.open(bad, 100, tmp)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("bad.csv is not a valid gzip file (");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void open_missingFile_isIoException_badLimitRejected() {
        assertThatThrownBy(() -> RowFile.open(dir.resolve("missing"), 10, dir)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RowFile.open(dir.resolve("missing"), 0, dir))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
