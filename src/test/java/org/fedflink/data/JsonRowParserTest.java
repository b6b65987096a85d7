package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRowParserTest {

    private static final RowParser PARSER = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 3).build(), null);

    static Example parse(RowParser parser, String row) throws InvalidRecordException {
        return parser.parse(row.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parse_dense_declaredDimension() throws Exception {
        Example e = parse(PARSER, "{\"source\":\"s1\",\"time\":1700000000000,\"label\":2,\"features\":[0.5,-1,3e-2]}");
        assertThat(e.source()).isEqualTo("s1");
        assertThat(e.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(e.label()).isEqualTo(2.0);
        assertThat(e.indices()).isNull();
        assertThat(e.values()).containsExactly(0.5f, -1f, 0.03f);
    }

    @Test
    void parse_sparse_inRange_noTime() throws Exception {
        Example e = parse(PARSER, "{\"values\":[1.5,2],\"indices\":[0,2],\"label\":0,\"source\":\"a\"}");
        assertThat(e.indices()).containsExactly(0, 2);
        assertThat(e.values()).containsExactly(1.5f, 2f);
        assertThat(e.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
    }

    @Test
    void parse_integerSource_keptAsWritten() throws Exception {
        assertThat(parse(PARSER, "{\"source\":42,\"label\":0,\"features\":[1,2,3]}").source()).isEqualTo("42");
    }

    @Test
    void parse_customFieldNames_noSourceNoTime() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 2)
                .sourceField(null).timeField(null).labelField("y").featuresField("x").indicesField("i")
                .valuesField("v").build(), null);
        Example dense = parse(p, "{\"y\":1,\"x\":[1,2]}");
        assertThat(dense.source()).isNull();
        assertThat(dense.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
        assertThat(dense.values()).containsExactly(1f, 2f);
        assertThat(parse(p, "{\"y\":1,\"i\":[1],\"v\":[5]}").indices()).containsExactly(1);
        // the default names are now unknown keys (skipped, counted), and reasons use the configured names
        assertThat(parse(p, "{\"source\":\"a\",\"y\":1,\"x\":[1,2]}").source()).isNull();
        assertThat(p.unknownFields().names()).containsExactly("source");
        assertReason(p, "{\"x\":[1,2]}", "missing y");
        assertReason(p, "{\"y\":1,\"x\":[1,2],\"i\":[0]}", "both x and i/v given");
        assertReason(p, "{\"y\":1}", "missing features (give x, or i and v, or text)");
        assertReason(p, "{\"y\":\"one\",\"x\":[1,2]}", "y is not a number (got a string)");
    }

    @Test
    void parse_unknownFields_ignoredByDefault_rowCountedOnce_namesInFirstSeenOrder() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1).build(), null);

        Example e = parse(p, "{\"meta\":{\"a\":[1,{\"b\":null}]},\"source\":\"s\",\"label\":1,\"features\":[2],"
                + "\"id\":\"x-1\",\"meta\":3}");
        parse(p, "{\"source\":\"s\",\"label\":1,\"features\":[2]}");
        parse(p, "{\"source\":\"s\",\"label\":1,\"features\":[2],\"note\":\"n\"}");

        assertThat(e.source()).isEqualTo("s");
        assertThat(e.values()).containsExactly(2f);
        assertThat(p.unknownFields().rows()).isEqualTo(2);
        assertThat(p.unknownFields().names()).containsExactly("meta", "id", "note");
    }

    @Test
    void parse_missingField_namesTheIgnoredUnknownOne_likelyItsMisspelling() {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1).build(), null);

        assertThatThrownBy(() -> parse(p, "{\"source\":\"s\",\"lable\":1,\"features\":[2],\"id\":3}"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("missing label (unknown field 'lable' was ignored)");
        assertThatThrownBy(() -> parse(p, "{\"source\":\"s\",\"label\":1,\"feature\":[2]}"))
                .hasMessage("missing features (give features, or indices and values, or text) (unknown field"
                        + " 'feature' was ignored)");
        assertThatThrownBy(() -> parse(p, "{\"label\":1,\"features\":[2]}")).hasMessage("missing source");
    }

    @Test
    void parse_unknownFields_reject_isTheDeadLetterReason_andNotCounted() {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1)
                .unknownFields(FormatOptions.UnknownFields.REJECT).build(), null);

        assertThatThrownBy(() -> parse(p, "{\"source\":\"s\",\"label\":1,\"features\":[2],\"meta\":{}}"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("unknown field 'meta'");
        assertThatThrownBy(() -> parse(p, "{\"source\":\"s\",\"meta\":NaN,\"label\":1,\"features\":[2]}"))
                .hasMessage("unknown field 'meta'");
        assertThat(p.unknownFields().rows()).isZero();
    }

    @Test
    void parse_unknownFieldWithInvalidValue_ignore_reasonNamesTheField() {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1).build(), null);

        assertThatThrownBy(() -> parse(p, "{\"source\":\"s\",\"meta\":NaN,\"label\":1,\"features\":[2]}"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("field 'meta' is not valid JSON (non-standard token 'NaN')");
    }

    @Test
    void unknownFieldTally_keepsAtMostMaxNames_butCountsEveryRow() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1).build(), null);

        for (int i = 0; i < UnknownFieldTally.MAX_NAMES + 5; i++) {
            parse(p, "{\"source\":\"s\",\"label\":1,\"features\":[2],\"k" + i + "\":1}");
        }

        assertThat(p.unknownFields().rows()).isEqualTo(UnknownFieldTally.MAX_NAMES + 5);
        assertThat(p.unknownFields().names()).hasSize(UnknownFieldTally.MAX_NAMES).startsWith("k0", "k1");
    }

    @Test
    void unknownFieldTally_warning_namesFieldWhereAndSetting() {
        assertThat(UnknownFieldTally.warning("meta", "train.jsonl line 3"))
                .isEqualTo("ignoring unknown field 'meta' in train.jsonl line 3 (input.unknownFields: ignore; set"
                        + " reject to send such records to the dead letter)");
    }

    @Test
    void parse_labelMap_looksUpLabelText() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1)
                .labelMap(Map.of("cat", 0.0, "dog", 1.0, "7", 2.0)).build(), null);
        assertThat(parse(p, "{\"source\":\"a\",\"label\":\"dog\",\"features\":[1]}").label()).isEqualTo(1.0);
        assertThat(parse(p, "{\"source\":\"a\",\"label\":7,\"features\":[1]}").label()).isEqualTo(2.0);
        assertReason(p, "{\"source\":\"a\",\"label\":\"cow\",\"features\":[1]}", "label 'cow' is not in input.labelNames");
        assertReason(p, "{\"source\":\"a\",\"label\":null,\"features\":[1]}",
                "label is not a string or a number (got null)");
    }

    @Test
    void parse_text_hashedIntoSparseFeatures() throws Exception {
        TextHashing hashing = new TextHashing(16, 2, true);
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1 << 16).hashing(hashing).build(), null);
        Example e = parse(p, "{\"source\":\"u1\",\"label\":1,\"text\":\"Great movie, great cast!\"}");
        SparseVector expected = new FeatureHasher(hashing).hash("Great movie, great cast!");
        assertThat(e.indices()).containsExactly(expected.indices());
        assertThat(e.values()).containsExactly(expected.values());
        assertThat(new ExampleValidator(new org.fedflink.model.ModelSpec(
                org.fedflink.model.ModelType.LOGISTIC, 1 << 16, 2, 0.0)).check(e)).isNull();
        assertThat(parse(p, "{\"source\":\"u1\",\"label\":1,\"text\":\"...\"}").size()).isZero();
        assertReason(p, "{\"source\":\"u1\",\"label\":1,\"text\":\"a\",\"features\":[1]}",
                "both text and features given");
        assertReason(p, "{\"source\":\"u1\",\"label\":1,\"indices\":[1],\"text\":\"a\"}",
                "both text and indices/values given");
        assertReason(p, "{\"source\":\"u1\",\"label\":1,\"text\":5}", "text is not a string (got a number)");
    }

    static Stream<Arguments> badRows() {
        return Stream.of(
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2]}", "expected 3 features, got 2"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,3,4,5]}", "expected 3 features, got 5"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[]}", "expected 3 features, got 0"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[3],\"values\":[1]}",
                        "indices[0] is out of range [0, 3) (3)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[0,5000000000],\"values\":[1,1]}",
                        "indices[1] is out of range [0, 3) (5000000000)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[1,1],\"values\":[1,1]}",
                        "indices are not strictly increasing at indices[1] (1 after 1)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[2,1],\"values\":[1,1]}",
                        "indices are not strictly increasing at indices[1] (1 after 2)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"text\":\"hello\"}",
                        "text needs hashing configured (set input.hashing.bits, or remove the text field)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,3]} x", "trailing content after the JSON object"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,3]}{}", "trailing content after the JSON object"),
                Arguments.of("{\"source\":\"a\",\"source\":\"b\",\"label\":1,\"features\":[1,2,3]}", "duplicate field 'source'"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,NaN,3]}",
                        "feature 1 is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,-Infinity]}",
                        "feature 2 is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,1e39]}",
                        "feature 2 is not a finite number (1e39 overflows a float)"),
                Arguments.of("{\"source\":\"a\",\"label\":1e400,\"features\":[1,2,3]}",
                        "label is not a finite number (1e400 overflows)"),
                Arguments.of("{\"source\":\"a\",\"label\":\"x\",\"features\":[1,2,3]}", "label is not a number (got a string)"),
                Arguments.of("{\"source\":\"a\",\"features\":[1,2,3]}", "missing label"),
                Arguments.of("{\"label\":1,\"features\":[1,2,3]}", "missing source"),
                Arguments.of("{\"source\":\" \",\"label\":1,\"features\":[1,2,3]}", "source is blank"),
                Arguments.of("{\"source\":[1],\"label\":1,\"features\":[1,2,3]}", "source is not a string or an integer (got an array)"),
                Arguments.of("{\"source\":\"a\",\"time\":1.5,\"label\":1,\"features\":[1,2,3]}",
                        "time is not an integer (epoch milliseconds), got 1.5"),
                Arguments.of("{\"source\":\"a\",\"time\":-149760689322,\"label\":1,\"features\":[1,2,3]}",
                        "time must be >= 0 (epoch milliseconds), got -149760689322"),
                Arguments.of("{\"source\":\"a\",\"time\":-99999999999999999999,\"label\":1,\"features\":[1,2,3]}",
                        "time must be >= 0 (epoch milliseconds), got -99999999999999999999"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2,3]", "truncated JSON (unexpected end of input)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2.", "truncated JSON (unexpected end of input in features at feature 1)"),
                Arguments.of("[1,2,3]", "not a JSON object (got an array)"),
                Arguments.of("source,label", "not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("badRows")
    void parse_badRow_rejectedWithReason(String row, String reason) {
        assertReason(PARSER, row, reason);
    }

    @Test
    void parse_rawControlCharacterInString_rejectedButEscapedOneAccepted() throws Exception {
        assertReason(PARSER, "{\"source\":\"a\u0001b\",\"label\":1,\"features\":[1,2,3]}",
                "control character U+0001 at column 13");
        assertThat(parse(PARSER, "{\"source\":\"a\\u0001b\\n\",\"label\":1,\"features\":[1,2,3]}").source())
                .isEqualTo("a\u0001b\n");
    }

    @Test
    void parse_sliceOfLargerBuffer_byteOrderMarkAndCrlf() throws Exception {
        byte[] row = "{\"source\":\"é\",\"label\":1,\"features\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[row.length + 10];
        framed[3] = 'x';
        System.arraycopy(row, 0, framed, 5, row.length);
        assertThat(PARSER.parse(framed, 5, row.length).source()).isEqualTo("é");
        byte[] bomCrlf = ("\uFEFF{\"source\":\"a\",\"label\":1,\"features\":[1,2,3]}\r").getBytes(StandardCharsets.UTF_8);
        assertThat(PARSER.parse(bomCrlf).values()).containsExactly(1f, 2f, 3f);
        // a truncated row after a byte-order mark is still recognised as truncated
        assertReason(PARSER, "\uFEFF{\"source\":\"a\",\"label\":1,\"features\":[1,2.",
                "truncated JSON (unexpected end of input in features at feature 1)");
    }

    @Test
    void parse_longRowsOneAfterAnother_scratchReused() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1000).build(), null);
        StringBuilder sb = new StringBuilder("{\"source\":\"a\",\"label\":1,\"features\":[");
        for (int i = 0; i < 1000; i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        String longRow = sb.append("]}").toString();
        assertThat(parse(p, longRow).values()[999]).isEqualTo(999f);
        assertReason(p, "{\"source\":\"a\",\"label\":1,\"features\":[1]}", "expected 1000 features, got 1");
        assertThat(parse(p, longRow).values()).hasSize(1000);
    }

    @Test
    void parse_hugeDeclaredDimension_denseRowGrowsToIt() throws Exception {
        int features = (1 << 16) + 3;
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, features).build(), null);
        StringBuilder sb = new StringBuilder("{\"source\":\"a\",\"label\":1,\"features\":[");
        for (int i = 0; i < features; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 7);
        }
        Example e = parse(p, sb + "]}");
        assertThat(e.values()).hasSize(features);
        assertThat(e.values()[features - 1]).isEqualTo((features - 1) % 7);
        assertReason(p, sb + ",1]}", "expected " + features + " features, got " + (features + 1));
        assertReason(p, "{\"source\":\"a\",\"label\":1,\"features\":[1,2]}", "expected " + features + " features, got 2");
    }

    static void assertReason(RowParser parser, String row, String reason) {
        assertThatThrownBy(() -> parse(parser, row))
                .as(row)
                .isInstanceOf(InvalidRecordException.class)
                .satisfies(e -> {
                    String message = e.getMessage();
                    assertThat(message).startsWith(reason).doesNotContain("\n", "\r");
                    assertThat(Character.isUpperCase(message.charAt(0))).isFalse();
                });
    }
}
