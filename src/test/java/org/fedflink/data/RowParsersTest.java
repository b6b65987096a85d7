package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules every format shares: raw bytes, control characters, blank rows, BOM and CR. */
class RowParsersTest {

    enum Format {
        JSONL("{\"source\":\"s\u00e9\",\"label\":1,\"features\":[1,2]}"),
        CSV("s\u00e9,1,1,2"),
        LIBSVM("1 1:1 2:2");

        final String validRow;

        Format(String validRow) {
            this.validRow = validRow;
        }

        RowParser parser() {
            return switch (this) {
                case JSONL -> RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 2).timeField(null).build(), null);
                case CSV -> RowParsers.create(
                        FormatOptions.builder(InputFormat.CSV, 2).timeField(null).csvHeader(false).build(), null);
                case LIBSVM -> RowParsers.create(FormatOptions.builder(InputFormat.LIBSVM, 2).build(), null);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void validRow_parsesToSameFeatures(Format format) throws Exception {
        Example e = format.parser().parse(format.validRow.getBytes(StandardCharsets.UTF_8));
        assertThat(e.label()).isEqualTo(1.0);
        float[] dense = new float[2];
        for (int i = 0; i < e.size(); i++) {
            dense[e.isDense() ? i : e.indices()[i]] = e.values()[i];
        }
        assertThat(dense).containsExactly(1f, 2f);
        assertThat(e.source()).isEqualTo(format == Format.LIBSVM ? null : "s\u00e9");
    }

    static Stream<Arguments> badBytes() {
        // hex of a row prefix; the valid row follows, so only the prefix can be at fault
        return Stream.of(
                Arguments.of("80", "bad utf-8 at byte 1"),            // lone continuation byte
                Arguments.of("20c3", "bad utf-8 at byte 2"),          // lead byte without continuation
                Arguments.of("c0af", "bad utf-8 at byte 1"),          // overlong '/'
                Arguments.of("e080af", "bad utf-8 at byte 1"),        // overlong, 3 bytes
                Arguments.of("eda080", "bad utf-8 at byte 1"),        // UTF-16 surrogate U+D800
                Arguments.of("f4908080", "bad utf-8 at byte 1"),      // beyond U+10FFFF
                Arguments.of("41ff", "bad utf-8 at byte 2"),
                Arguments.of("c3a9c3a9fe", "bad utf-8 at byte 5"));   // after two valid 2-byte characters
    }

    @ParameterizedTest
    @MethodSource("badBytes")
    void badUtf8_rejectedAtItsByte_inEveryFormat(String hexPrefix, String reason) {
        byte[] prefix = HexFormat.of().parseHex(hexPrefix);
        for (Format format : Format.values()) {
            byte[] valid = format.validRow.getBytes(StandardCharsets.UTF_8);
            byte[] row = new byte[prefix.length + valid.length];
            System.arraycopy(prefix, 0, row, 0, prefix.length);
            System.arraycopy(valid, 0, row, prefix.length, valid.length);
            assertReason(format, row, reason);
        }
    }

    @Test
    void badUtf8_truncatedAtEndOfRow() {
        for (Format format : Format.values()) {
            byte[] valid = format.validRow.getBytes(StandardCharsets.UTF_8);
            byte[] row = java.util.Arrays.copyOf(valid, valid.length + 2);
            row[valid.length] = (byte) 0xe2;
            row[valid.length + 1] = (byte) 0x82; // a 3-byte sequence cut after 2 bytes
            assertReason(format, row, "bad utf-8 at byte " + (valid.length + 1));
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void controlCharacters_rejectedWithCodeAndColumn(Format format) {
        String row = format.validRow;
        for (char control : new char[] {0x00, 0x01, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, '\r', '\n'}) {
            String bad = "\u00e9" + row.substring(1, 3) + control + row.substring(3);
            assertReason(format, bad.getBytes(StandardCharsets.UTF_8),
                    String.format("control character U+%04X at column 4", (int) control));
        }
        // columns count characters (code points), not bytes or UTF-16 units
        String astral = "\uD83D\uDE00";
        assertReason(format, (astral + "\u00e9\u0001" + row).getBytes(StandardCharsets.UTF_8),
                "control character U+0001 at column 3");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void emptyAndBlankRows_emptyLine(Format format) {
        for (String blank : new String[] {"", " ", "\t \t", "\r", "\uFEFF", "\uFEFF  "}) {
            assertReason(format, blank.getBytes(StandardCharsets.UTF_8), "empty line");
        }
        assertThatThrownBy(() -> format.parser().parse(null)).hasMessage("empty line");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void byteOrderMarkAndTrailingCr_tolerated_andSliceRespected(Format format) throws Exception {
        RowParser parser = format.parser();
        byte[] row = ("\uFEFF" + format.validRow + "\r").getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(row).label()).isEqualTo(1.0);
        // the slice ends where it says, whatever follows in the buffer
        byte[] valid = format.validRow.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[valid.length + 6];
        System.arraycopy(valid, 0, framed, 3, valid.length);
        framed[0] = (byte) 0xff;
        framed[framed.length - 1] = (byte) 0xff;
        framed[framed.length - 2] = 1;
        assertThat(parser.parse(framed, 3, valid.length).label()).isEqualTo(1.0);
        assertThatThrownBy(() -> parser.parse(framed, 3, framed.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void tab_isAllowed(Format format) throws Exception {
        assertThat(format.parser().parse(("\t" + format.validRow + "\t").getBytes(StandardCharsets.UTF_8)).label())
                .isEqualTo(1.0);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void serialization_copyParsesTheSame(Format format) throws Exception {
        RowParser parser = format.parser();
        byte[] row = format.validRow.getBytes(StandardCharsets.UTF_8);
        parser.parse(row); // scratch buffers are transient: the copy makes its own
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(parser);
        }
        RowParser copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RowParser) in.readObject();
        }
        Example a = parser.parse(row);
        Example b = copy.parse(row);
        assertThat(b.values()).containsExactly(a.values());
        assertThat(b.source()).isEqualTo(a.source());
    }

    private static void assertReason(Format format, byte[] row, String reason) {
        assertThatThrownBy(() -> format.parser().parse(row))
                .as("%s: %s", format, HexFormat.of().formatHex(row))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }
}
