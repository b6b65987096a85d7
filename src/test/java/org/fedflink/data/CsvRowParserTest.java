package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedflink.data.JsonRowParserTest.assertReason;
import static org.fedflink.data.JsonRowParserTest.parse;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CsvRowParserTest {

    private static final FormatOptions THREE = FormatOptions.builder(InputFormat.CSV, 3).build();
    private static final RowParser HEADERED = create(THREE, "source,time,label,f0,f1,f2");

    static RowParser create(FormatOptions options, String header) {
        return RowParsers.create(options, header == null ? null : header.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void header_columnsByName_othersAreFeaturesInHeaderOrder() throws Exception {
        RowParser p = create(THREE, "f0,label,time,f1,source,f2");
        Example e = parse(p, "0.5,2,1700000000000,-1,client-7,3e2");
        assertThat(e.source()).isEqualTo("client-7");
        assertThat(e.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(e.label()).isEqualTo(2.0);
        assertThat(e.indices()).isNull();
        assertThat(e.values()).containsExactly(0.5f, -1f, 300f);
    }

    @Test
    void header_ignoredColumns_areNeitherReadNorFeatures() throws Exception {
        FormatOptions o = THREE.toBuilder().csvIgnoredColumns(java.util.Set.of("id", "kind")).build();
        RowParser p = create(o, "id,source,time,label,f0,kind,f1,f2");
        // ignored columns are not parsed: any text, even one that is not a number, is fine
        Example e = parse(p, "row-9,c,1700000000000,1,0.5,\"not, a number\",2,3");
        assertThat(e.label()).isEqualTo(1.0);
        assertThat(e.values()).containsExactly(0.5f, 2f, 3f);
        assertThatThrownBy(() -> parse(p, "row-9,c,1700000000000,1,0.5,x,2"))
                .hasMessage("expected 8 columns, got 7");
        assertHeader(o, "source,time,label,f0,f1,f2,kind",
                "csv header has no column 'id' of input.csv.ignore (columns: source, time, label, f0, f1, f2, kind)");
        assertHeader(THREE.toBuilder().csvIgnoredColumns(java.util.Set.of("label")).build(),
                "source,time,label,f0,f1,f2",
                "csv column 'label' cannot be both in input.csv.ignore and the label (input.fields.label)");
    }

    @Test
    void header_optionalColumnsNull_absentFromData() throws Exception {
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 2).sourceField(null).timeField(null)
                .labelField("y").build();
        Example e = parse(create(o, "a,y,b"), "1,0,2");
        assertThat(e.source()).isNull();
        assertThat(e.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
        assertThat(e.values()).containsExactly(1f, 2f);
        assertThat(e.label()).isZero();
    }

    @Test
    void header_quotedNamesWithSpaces_byteOrderMarkAndCrlf() throws Exception {
        byte[] header = "\uFEFF\"source\" , time,\"label\",\"f,0\",f1,f2\r".getBytes(StandardCharsets.UTF_8);
        RowParser p = RowParsers.create(THREE, header);
        assertThat(parse(p, "s,1,0,1,2,3\r").values()).containsExactly(1f, 2f, 3f);
    }

    @Test
    void noHeader_positionalColumns() throws Exception {
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 2).csvHeader(false).build();
        Example e = parse(create(o, null), "s1,5,1,0.25,0.75");
        assertThat(e.source()).isEqualTo("s1");
        assertThat(e.timestamp()).isEqualTo(5L);
        assertThat(e.values()).containsExactly(0.25f, 0.75f);
        // without source and time: label first
        FormatOptions bare = FormatOptions.builder(InputFormat.CSV, 2).csvHeader(false).sourceField(null)
                .timeField(null).build();
        Example b = parse(create(bare, null), "1,0.25,0.75");
        assertThat(b.source()).isNull();
        assertThat(b.label()).isEqualTo(1.0);
        assertReason(create(bare, null), "1,0.25,0.75,9", "expected 3 columns, got 4");
    }

    @Test
    void quoting_rfc4180() throws Exception {
        Example e = parse(HEADERED, "\"client, \"\"7\"\"\",1,0,\"1.5\", \"2\" ,3");
        assertThat(e.source()).isEqualTo("client, \"7\"");
        assertThat(e.values()).containsExactly(1.5f, 2f, 3f);
        // the source is verbatim: spaces are part of it
        assertThat(parse(HEADERED, " s ,1,0,1,2,3").source()).isEqualTo(" s ");
        // an empty quoted field is an empty field
        assertReason(HEADERED, "\"\",1,0,1,2,3", "source is empty");
        // a delimiter inside quotes does not split
        assertThat(parse(HEADERED, "\"a,b,c,d\",1,0,1,2,3").source()).isEqualTo("a,b,c,d");
    }

    @Test
    void values_spacesAroundNumbers_emptyTimeMeansNone() throws Exception {
        Example e = parse(HEADERED, "s, 1 ,\t0\t, 1.5 ,2,+3");
        assertThat(e.timestamp()).isEqualTo(1L);
        assertThat(e.values()).containsExactly(1.5f, 2f, 3f);
        assertThat(parse(HEADERED, "s,,0,1,2,3").timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
        assertThat(parse(HEADERED, "s,5,0,.5,5.,1E2").values()).containsExactly(0.5f, 5f, 100f);
        assertThat(parse(HEADERED, "s, -0 ,0,1,2,3").timestamp()).isZero();
    }

    @Test
    void delimiter_tabAndSemicolon() throws Exception {
        FormatOptions tsv = FormatOptions.builder(InputFormat.CSV, 2).csvDelimiter('\t').build();
        Example e = parse(create(tsv, "source\ttime\tlabel\ta\tb"), "s 1\t7\t1\t0.5\t1");
        assertThat(e.source()).isEqualTo("s 1");
        assertThat(e.values()).containsExactly(0.5f, 1f);
        FormatOptions semi = FormatOptions.builder(InputFormat.CSV, 1).csvDelimiter(';').build();
        assertThat(parse(create(semi, "source;time;label;x"), "a,b;1;0;2").source()).isEqualTo("a,b");
    }

    @Test
    void labelMap_textLabels() throws Exception {
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 1).sourceField(null).timeField(null)
                .labelMap(Map.of("cat", 0.0, "dog", 1.0, "big dog", 2.0)).build();
        RowParser p = create(o, "x,label");
        assertThat(parse(p, "0.5,dog").label()).isEqualTo(1.0);
        assertThat(parse(p, "0.5, cat ").label()).isEqualTo(0.0);
        assertThat(parse(p, "0.5,\"big dog\"").label()).isEqualTo(2.0);
        assertReason(p, "0.5,cow", "label 'cow' is not in input.labelNames");
        assertReason(p, "0.5,\" cat\"", "label ' cat' is not in input.labelNames");
        assertReason(p, "0.5,", "label '' is not in input.labelNames");
    }

    @Test
    void text_hashedWithHeaderOrPositionally() throws Exception {
        TextHashing hashing = new TextHashing(10, 2, true);
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 1024).timeField(null).hashing(hashing).build();
        SparseVector expected = new FeatureHasher(hashing).hash("Loved it, \"truly\".");
        Example e = parse(create(o, "label,source,text"), "1,u1,\"Loved it, \"\"truly\"\".\"");
        assertThat(e.source()).isEqualTo("u1");
        assertThat(e.indices()).containsExactly(expected.indices());
        assertThat(e.values()).containsExactly(expected.values());
        FormatOptions positional = o.toBuilder().csvHeader(false).build();
        Example p = parse(create(positional, null), "u1,1,\"Loved it, \"\"truly\"\".\"");
        assertThat(p.indices()).containsExactly(expected.indices());
        assertThatThrownBy(() -> create(o, "label,source,text,extra"))
                .isInstanceOf(FormatException.class)
                .hasMessage("csv header has an unexpected column 'extra': with text hashing (input.hashing.bits) the"
                        + " columns are only source, time, label and text (list others in input.csv.ignore)");
        assertThatThrownBy(() -> create(o, "label,source,body"))
                .isInstanceOf(FormatException.class)
                .hasMessage("csv header has no text column 'text' (columns: label, source, body); set input.fields.text"
                        + " to the column of text to hash");
    }

    static Stream<Arguments> badRows() {
        return Stream.of(
                Arguments.of("s,1,0,1,2", "expected 6 columns, got 5"),
                Arguments.of("s,1,0,1,2,3,", "expected 6 columns, got 7"),
                Arguments.of("{\"source\":\"s\",\"label\":1}", "quote inside the unquoted field in column 1"),
                Arguments.of("s,1,0,1,2,\"3", "unterminated quoted field in column 6 (quoted fields cannot span lines)"),
                Arguments.of("\"s\"x,1,0,1,2,3", "text after the closing quote in column 1"),
                Arguments.of("s\"x,1,0,1,2,3", "quote inside the unquoted field in column 1"),
                Arguments.of(",1,0,1,2,3", "source is empty"),
                Arguments.of("  ,1,0,1,2,3", "source is blank"),
                Arguments.of("s,1,,1,2,3", "label is empty"),
                Arguments.of("s,1,cat,1,2,3", "label is not a number (got 'cat')"),
                Arguments.of("s,1,NaN,1,2,3", "label is not a finite number (got 'NaN')"),
                Arguments.of("s,1,1e999,1,2,3", "label is not a finite number (1e999 overflows)"),
                Arguments.of("s,1,0,1,,3", "feature 1 (column 5) is empty"),
                Arguments.of("s,1,0,1,x,3", "feature 1 (column 5) is not a number (got 'x')"),
                Arguments.of("s,1,0,1,2,nan", "feature 2 (column 6) is not a finite number (got 'nan')"),
                Arguments.of("s,1,0,inf,2,3", "feature 0 (column 4) is not a finite number (got 'inf')"),
                Arguments.of("s,1,0,-Infinity,2,3", "feature 0 (column 4) is not a finite number (got '-Infinity')"),
                Arguments.of("s,1,0,1,2,1e39", "feature 2 (column 6) is not a finite number (1e39 overflows a float)"),
                Arguments.of("s,1,0,1,2,0x10", "feature 2 (column 6) is not a number (got '0x10')"),
                Arguments.of("s,1,0,1,2,1f", "feature 2 (column 6) is not a number (got '1f')"),
                Arguments.of("s,1,0,1,2,1 2", "feature 2 (column 6) is not a number (got '1 2')"),
                Arguments.of("s,1,0,1,2,\"3\"\"\"", "feature 2 (column 6) is not a number (got '3\"\"')"),
                Arguments.of("s,1,0,1,2,1e", "feature 2 (column 6) is not a number (got '1e')"),
                Arguments.of("s,1,0,1,2,.", "feature 2 (column 6) is not a number (got '.')"),
                Arguments.of("s,1.5,0,1,2,3", "time is not an integer (epoch milliseconds), got '1.5'"),
                Arguments.of("s,2024-01-01,0,1,2,3", "time is not an integer (epoch milliseconds), got '2024-01-01'"),
                Arguments.of("s,99999999999999999999,0,1,2,3", "time 99999999999999999999 is out of range for epoch milliseconds"),
                Arguments.of("s,-149760689322,0,1,2,3", "time must be >= 0 (epoch milliseconds), got -149760689322"),
                Arguments.of("s,-1e3,0,1,2,3", "time is not an integer (epoch milliseconds), got '-1e3'"),
                Arguments.of("s,1,0,1,2,3\u0001", "control character U+0001 at column 12"),
                Arguments.of("  ", "empty line"));
    }

    @ParameterizedTest
    @MethodSource("badRows")
    void parse_badRow_rejectedWithReason(String row, String reason) {
        assertReason(HEADERED, row, reason);
    }

    @Test
    void parse_repeatedHeaderLine_isNamedAsSuch() {
        RowParser p = create(THREE, "\uFEFFsource,time,label,f0,f1,f2");

        assertThatThrownBy(() -> parse(p, "source,time,label,f0,f1,f2"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("repeated header line");
        assertThatThrownBy(() -> parse(p, "source,time,label,f0,f1,f2\r"))
                .hasMessage("repeated header line");
        // any other text is a row like any other
        assertThatThrownBy(() -> parse(p, "source,time,label,f0,f1,f3"))
                .hasMessage("time is not an integer (epoch milliseconds), got 'time'");
    }

    @Test
    void parse_repeatedHeaderLine_evenWhenItWouldParse() {
        FormatOptions scoring = FormatOptions.builder(InputFormat.CSV, 2).scoring(true).build();

        assertThatThrownBy(() -> parse(create(scoring, "1,2"), "1,2")).hasMessage("repeated header line");
    }

    @Test
    void parse_timeAtLongLimits() throws Exception {
        assertThat(parse(HEADERED, "s,9223372036854775807,0,1,2,3").timestamp()).isEqualTo(Long.MAX_VALUE);
        assertReason(HEADERED, "s,-9223372036854775808,0,1,2,3",
                "time must be >= 0 (epoch milliseconds), got -9223372036854775808");
        assertReason(HEADERED, "s,9223372036854775808,0,1,2,3",
                "time 9223372036854775808 is out of range for epoch milliseconds");
    }

    @Test
    void parse_manyColumns_scratchGrowsAndShrinksBack() throws Exception {
        StringBuilder header = new StringBuilder("source,time,label");
        StringBuilder row = new StringBuilder("s,1,0");
        for (int i = 0; i < 784; i++) {
            header.append(",p").append(i);
            row.append(',').append(i % 256);
        }
        RowParser p = create(FormatOptions.builder(InputFormat.CSV, 784).build(), header.toString());
        assertThat(parse(p, row.toString()).values()[783]).isEqualTo(783 % 256);
        assertReason(p, row + "," + row, "expected 787 columns, got 1574");
        assertReason(p, row.substring(0, row.lastIndexOf(",")), "expected 787 columns, got 786");
        assertThat(parse(p, row.toString()).values()).hasSize(784);
    }

    @Test
    void header_problems_formatException() {
        assertHeader(THREE, "source,time,f0,f1,f2,f3",
                "csv header has no label column 'label' (columns: source, time, f0, f1, f2, f3); set"
                        + " input.fields.label to the name of the label column");
        assertHeader(THREE, "source,time,label,f0,f1,f0", "csv header has duplicate column 'f0' (columns 4 and 6)");
        assertHeader(THREE, "source,time,label,f0,f1", "csv header has 2 feature columns, expected 3"
                + " (model.features); every column other than source, time, label and those in input.csv.ignore is a"
                + " feature");
        assertHeader(THREE, "time,label,f0,f1,f2", "csv header has no source column 'source' (columns: time, label,"
                + " f0, f1, f2); set input.fields.source to the column naming each example's source, or to none if"
                + " the data has none (input.partition then assigns sources)");
        assertHeader(THREE, "source,label,f0,f1,f2", "csv header has no time column 'time' (columns: source, label,"
                + " f0, f1, f2); set input.fields.time to the column of epoch milliseconds, or to none if the data"
                + " has no event time");
        assertHeader(THREE, "", "csv header is empty");
        assertHeader(THREE, "source,\"time,label", "csv header: unterminated quoted field in column 2");
        StringBuilder wide = new StringBuilder("source,time,x0");
        for (int i = 1; i < 20; i++) {
            wide.append(",x").append(i);
        }
        assertHeader(THREE, wide.toString(), "csv header has no label column 'label' (columns: source, time, x0, x1,"
                + " x2, x3, x4, x5, ... (22 in all))");
        assertThatThrownBy(() -> RowParsers.create(THREE, new byte[] {'a', (byte) 0xff, ',', 'b'}))
                .isInstanceOf(FormatException.class).hasMessage("csv header: bad utf-8 at byte 2");
    }

    @Test
    void create_headerRowAgainstOptions_illegalArgument() {
        assertThatThrownBy(() -> RowParsers.create(THREE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("csv with csvHeader needs the header row");
        FormatOptions noHeader = THREE.toBuilder().csvHeader(false).build();
        assertThatThrownBy(() -> RowParsers.create(noHeader, new byte[] {'a'}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a header row is only for csv with csvHeader, not for csv without a header");
        assertThatThrownBy(() -> RowParsers.create(FormatOptions.builder(InputFormat.IDX, 784).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idx is a binary format and has no row parser");
    }

    private static void assertHeader(FormatOptions options, String header, String message) {
        assertThatThrownBy(() -> create(options, header))
                .isInstanceOf(FormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(message).doesNotContain("\n"));
    }
}
