package org.fedflink.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same inputs through every way of reading rows — {@link LineReader} on a byte stream, on a
 * trickling stream (1 to 3 bytes per read, so every line crosses buffer boundaries), on a plain and
 * on a gzip file, and {@link RowFile} on a plain and a gzip file — must give identical rows.
 */
class RowReadersTest {

    @TempDir
    Path dir;

    /** An expected row: content (null when oversized) and true length. */
    record R(String text, long length) {
        static R of(String text) {
            return new R(text, text.getBytes(UTF_8).length);
        }

        static R over(long length) {
            return new R(null, length);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("empty file", "", 10, List.of()),
                Arguments.of("one line without newline", "a", 10, List.of(R.of("a"))),
                Arguments.of("one line with newline", "a\n", 10, List.of(R.of("a"))),
                Arguments.of("no trailing newline", "a\nbc", 10, List.of(R.of("a"), R.of("bc"))),
                Arguments.of("only a newline is one empty row", "\n", 10, List.of(R.of(""))),
                Arguments.of("empty lines are rows", "\n\na\n\n", 10, List.of(R.of(""), R.of(""), R.of("a"), R.of(""))),
                Arguments.of("crlf", "a\r\nbc\r\n", 10, List.of(R.of("a"), R.of("bc"))),
                Arguments.of("crlf without final newline", "a\r\nbc", 10, List.of(R.of("a"), R.of("bc"))),
                Arguments.of("only crlf is one empty row", "\r\n", 10, List.of(R.of(""))),
                Arguments.of("only one cr is stripped", "a\r\r\n", 10, List.of(R.of("a\r"))),
                Arguments.of("lone cr inside a line is content", "a\rb\n", 10, List.of(R.of("a\rb"))),
                Arguments.of("cr at end of file without newline is content", "ab\r", 10, List.of(R.of("ab\r"))),
                Arguments.of("mixed terminators", "a\nb\r\nc\n", 10, List.of(R.of("a"), R.of("b"), R.of("c"))),
                Arguments.of("utf-8 length in bytes", "é€\n", 10, List.of(R.of("é€"))),
                Arguments.of("oversized in the middle", "ab\nabcdef\ncd\n", 3,
                        List.of(R.of("ab"), R.over(6), R.of("cd"))),
                Arguments.of("oversized at the end without newline", "ab\nabcdef", 3, List.of(R.of("ab"), R.over(6))),
                Arguments.of("oversized at the end with newline", "ab\nabcdef\n", 3, List.of(R.of("ab"), R.over(6))),
                Arguments.of("oversized crlf line reports length without cr", "abcdef\r\nx\r\n", 3,
                        List.of(R.over(6), R.of("x"))),
                Arguments.of("exactly the limit", "abc\nabc\r\nabcd\r\nabc", 3,
                        List.of(R.of("abc"), R.of("abc"), R.over(4), R.of("abc"))),
                Arguments.of("cr at the end of the file counts toward the limit", "abc\r", 3,
                        List.of(R.over(4))),
                Arguments.of("limit of one byte", "a\nbb\n\nc\r\nd\r\r\n", 1,
                        List.of(R.of("a"), R.over(2), R.of(""), R.of("c"), R.over(2))),
                Arguments.of("limit of one byte, empty crlf lines", "\r\n\r\n", 1, List.of(R.of(""), R.of(""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void allReaders_sameRows(String name, String content, int max, List<R> expected) throws IOException {
        byte[] bytes = content.getBytes(UTF_8);
        assertRows(readAll(new LineReader(new ByteArrayInputStream(bytes), max)), expected);
        assertRows(readAll(new LineReader(new Trickle(new ByteArrayInputStream(bytes)), max)), expected);

        Path plain = dir.resolve("plain.txt");
        Files.write(plain, bytes);
        Path gzip = dir.resolve("gzip.gz");
        Files.write(gzip, gzip(bytes));
        for (Path file : List.of(plain, gzip)) {
            try (LineReader reader = new LineReader(LineReader.open(file), max)) {
                assertRows(readAll(reader), expected);
            }
            try (RowFile rows = RowFile.open(file, max, dir.resolve("tmp"))) {
                assertRows(readAll(rows), expected);
                assertRows(readBackwards(rows), expected);
            }
            assertThat(RowFile.countRows(file)).isEqualTo(expected.size());
        }
    }

    static void assertRows(List<Row> rows, List<R> expected) {
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            R want = expected.get(i);
            assertThat(row.lineNumber()).as("line number of row %d", i).isEqualTo(i + 1);
            assertThat(row.length()).as("length of row %d", i).isEqualTo(want.length());
            assertThat(row.oversized()).as("oversized row %d", i).isEqualTo(want.text() == null);
            if (want.text() != null) {
                assertThat(row.text()).as("text of row %d", i).isEqualTo(want.text());
            }
        }
    }

    static List<Row> readAll(LineReader reader) throws IOException {
        List<Row> rows = new ArrayList<>();
        Row row;
        while ((row = reader.next()) != null) {
            rows.add(row);
        }
        assertThat(reader.next()).as("next() after the end").isNull();
        return rows;
    }

    static List<Row> readAll(RowFile file) {
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < file.rows(); i++) {
            rows.add(file.read(i));
        }
        return rows;
    }

    static List<Row> readBackwards(RowFile file) {
        List<Row> rows = new ArrayList<>();
        for (long i = file.rows() - 1; i >= 0; i--) {
            rows.add(0, file.read(i));
        }
        return rows;
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Returns 1 to 3 bytes per read, so lines and CRLFs straddle the reader's buffer refills. */
    static final class Trickle extends FilterInputStream {
        private int turn;

        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + turn++ % 3));
        }
    }
}
