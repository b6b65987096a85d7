package org.fedflink.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {

    @TempDir
    Path dir;

    private static LineReader reader(String content, int max) {
        return new LineReader(new ByteArrayInputStream(content.getBytes(UTF_8)), max);
    }

    @Test
    void next_returnsFreshArrayPerRow() throws IOException {
        LineReader r = reader("abc\nxyz\n", 10);
        Row first = r.next();
        byte[] kept = first.bytes().clone();
        Row second = r.next();
        assertThat(second.bytes()).isNotSameAs(first.bytes());
        assertThat(first.bytes()).isEqualTo(kept); // reading on did not overwrite it
        assertThat(second.text()).isEqualTo("xyz");
    }

    @Test
    void oversizedRow_hasNoContent_textThrows() throws IOException {
        Row row = reader("abcdef", 2).next();
        assertThat(row.oversized()).isTrue();
        assertThat(row.bytes()).isNull();
        assertThat(row.length()).isEqualTo(6);
        assertThatThrownBy(row::text).isInstanceOf(IllegalStateException.class)
                .hasMessage("line 1 is oversized (6 bytes); no content");
    }

    @Test
    void hugeLine_isSkippedNotBuffered_lengthBeyondIntRange() throws IOException {
        // a line of 2^31 + 5 bytes cannot fit in any Java array: it can only be reported by skipping it
        long huge = (1L << 31) + 5;
        InputStream in = new InputStream() {
            long left = huge;
            boolean newlineSent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left > 0) {
                    int n = (int) Math.min(len, left);
                    Arrays.fill(b, off, off + n, (byte) 'x');
                    left -= n;
                    return n;
                }
                if (!newlineSent) {
                    newlineSent = true;
                    byte[] tail = "\nok\n".getBytes(UTF_8);
                    System.arraycopy(tail, 0, b, off, tail.length);
                    return tail.length;
                }
                return -1;
            }
        };
        LineReader r = new LineReader(in, 16);
        Row row = r.next();
        assertThat(row.oversized()).isTrue();
        assertThat(row.length()).isEqualTo(huge);
        assertThat(r.next().text()).isEqualTo("ok");
        assertThat(r.next()).isNull();
    }

    @Test
    void skip_countsRowsAndLineNumbersContinue() throws IOException {
        LineReader r = reader("a\nb\r\n\nd\ne", 10);
        assertThat(r.skip(3)).isEqualTo(3);
        assertThat(r.lineNumber()).isEqualTo(3);
        Row d = r.next();
        assertThat(d.text()).isEqualTo("d");
        assertThat(d.lineNumber()).isEqualTo(4);
        assertThat(r.skip(5)).as("only the final unterminated row is left").isEqualTo(1);
        assertThat(r.lineNumber()).isEqualTo(5);
        assertThat(r.next()).isNull();
        assertThat(reader("a\n", 10).skip(5)).isEqualTo(1);
        assertThat(reader("", 10).skip(5)).isZero();
        assertThatThrownBy(() -> reader("", 10).skip(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows to skip must not be negative (got -1)");
    }

    @Test
    void constructor_rejectsBadLimit() {
        assertThatThrownBy(() -> reader("", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLineBytes must be in [1, " + LineReader.MAX_LINE_LIMIT + "] (got 0)");
        assertThatThrownBy(() -> reader("", Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void open_detectsGzipByMagicNotByName() throws IOException {
        byte[] content = "x,1\r\ny,2\n".getBytes(UTF_8);
        Path gzipNamedTxt = dir.resolve("data.txt");
        Files.write(gzipNamedTxt, RowReadersTest.gzip(content));
        Path plainNamedGz = dir.resolve("data.gz");
        Files.write(plainNamedGz, content);
        assertThat(LineReader.isGzip(gzipNamedTxt)).isTrue();
        assertThat(LineReader.isGzip(plainNamedGz)).isFalse();
        for (Path file : new Path[] {gzipNamedTxt, plainNamedGz}) {
            try (InputStream in = LineReader.open(file)) {
                assertThat(in.readAllBytes()).as(file.toString()).isEqualTo(content);
            }
        }
    }

    @Test
    void open_multiMemberGzip_readsAllMembers() throws IOException {
        byte[] a = RowReadersTest.gzip("first\nsecond\n".getBytes(UTF_8));
        byte[] b = RowReadersTest.gzip("third".getBytes(UTF_8));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path file = dir.resolve("multi.gz");
        Files.write(file, both);
        try (LineReader r = new LineReader(LineReader.open(file), 100)) {
            assertThat(RowReadersTest.readAll(r)).extracting(Row::text).containsExactly("first", "second", "third");
        }
    }

    @Test
    void open_shortOrEmptyFiles_arePlain() throws IOException {
        Path empty = dir.resolve("empty.gz");
        Files.write(empty, new byte[0]);
        Path one = dir.resolve("one.gz");
        Files.write(one, new byte[] {0x1f});
        try (InputStream in = LineReader.open(empty)) {
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = LineReader.open(one)) {
            assertThat(in.readAllBytes()).containsExactly(0x1f);
        }
    }

    @Test
    void corruptGzip_failsWhileReading() throws IOException {
        byte[] gz = RowReadersTest.gzip("some text that compresses\n".repeat(100).getBytes(UTF_8));
        for (int i = 20; i < gz.length - 8; i++) {
            gz[i] ^= 0x55;
        }
        Path file = dir.resolve("corrupt.txt");
        Files.write(file, gz);
        assertThatThrownBy(() -> {
            try (LineReader r = new LineReader(LineReader.open(file), 100)) {
                RowReadersTest.readAll(r);
            }
        }).isInstanceOf(ZipException.class);
    }

    @Test
    void open_missingFile_isIoException() {
        assertThatThrownBy(() -> LineReader.open(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }

    @Test
    void row_validatesComponents() {
        assertThatThrownBy(() -> new Row(0, new byte[0], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line number must be at least 1 (got 0)");
        assertThatThrownBy(() -> new Row(1, new byte[2], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line length 3 differs from the content's 2 bytes");
        assertThatThrownBy(() -> new Row(1, null, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
