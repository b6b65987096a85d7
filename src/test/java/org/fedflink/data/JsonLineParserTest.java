package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonLineParserTest {

    private final JsonLineParser parser = new JsonLineParser();

    @Test
    void parse_validDense_allFields() throws Exception {
        Example e = parser.parse(
                "{\"source\": \"s1\", \"time\": 1700000000000, \"label\": 2, \"features\": [0.1, -2, 3e-2, 0]}");
        assertThat(e.source()).isEqualTo("s1");
        assertThat(e.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(e.label()).isEqualTo(2.0);
        assertThat(e.isDense()).isTrue();
        assertThat(e.values()).containsExactly(0.1f, -2f, 0.03f, 0f);
    }

    @Test
    void parse_validSparse_anyFieldOrder() throws Exception {
        Example e = parser.parse(
                " {\"values\":[1.5,-0.25],\"label\":-3.75,\"indices\":[0,17],\"source\":\"client \\\"7\\\"\"} ");
        assertThat(e.source()).isEqualTo("client \"7\"");
        assertThat(e.label()).isEqualTo(-3.75);
        assertThat(e.indices()).containsExactly(0, 17);
        assertThat(e.values()).containsExactly(1.5f, -0.25f);
        assertThat(e.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void parse_missingTime_noTimestamp() throws Exception {
        Example e = parser.parse("{\"source\":\"a\",\"label\":0,\"features\":[1]}");
        assertThat(e.timestamp()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void parse_integerSource_keptAsWritten() throws Exception {
        assertThat(parser.parse("{\"source\":7,\"label\":0,\"features\":[1]}").source()).isEqualTo("7");
        assertThat(parser.parse("{\"source\":-12345678901234567890,\"label\":0,\"features\":[1]}").source())
                .isEqualTo("-12345678901234567890");
    }

    @Test
    void parse_emptyArrays_accepted() throws Exception {
        assertThat(parser.parse("{\"source\":\"a\",\"label\":0,\"features\":[]}").values()).isEmpty();
        Example sparse = parser.parse("{\"source\":\"a\",\"label\":0,\"indices\":[],\"values\":[]}");
        assertThat(sparse.isDense()).isFalse();
        assertThat(sparse.values()).isEmpty();
    }

    @Test
    void parse_manyFeatures_bufferGrows() throws Exception {
        StringBuilder sb = new StringBuilder("{\"source\":\"a\",\"label\":1,\"features\":[");
        for (int i = 0; i < 1000; i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        Example e = parser.parse(sb.append("]}").toString());
        assertThat(e.values()).hasSize(1000);
        assertThat(e.values()[999]).isEqualTo(999f);
    }

    @Test
    void parse_zeroAndLargeTime_accepted_negativeTimeInvalid() throws Exception {
        assertThat(parser.parse("{\"source\":\"a\",\"time\":-0,\"label\":0,\"features\":[1]}").timestamp())
                .isZero();
        assertThatThrownBy(() -> parser.parse("{\"source\":\"a\",\"time\":-5,\"label\":0,\"features\":[1]}"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("time must be >= 0 (epoch milliseconds), got -5");
        assertThat(parser.parse("{\"source\":\"a\",\"time\":9223372036854775807,\"label\":0,\"features\":[1]}")
                        .timestamp())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void parse_writerOutput_roundTrips() throws Exception {
        Example dense = new Example("s-\u00e9\n\t\\", 123L, 0.5, null, new float[] {Float.MIN_VALUE, -0f, 1e-7f, 3e38f});
        Example back = parser.parse(JsonLineWriter.toJson(dense));
        assertThat(back.source()).isEqualTo(dense.source());
        assertThat(back.values()).containsExactly(dense.values());
        assertThat(back.label()).isEqualTo(0.5);
        Example sparse = new Example("s", Long.MIN_VALUE, 3, new int[] {2, 5}, new float[] {1f, 2f});
        String line = JsonLineWriter.toJson(sparse);
        assertThat(line).isEqualTo("{\"source\":\"s\",\"label\":3,\"indices\":[2,5],\"values\":[1.0,2.0]}");
        assertThat(parser.parse(line).indices()).containsExactly(2, 5);
        assertThatThrownBy(() -> JsonLineWriter.toJson(new Example("s", 0, Double.NaN, null, new float[1])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("", "empty line"),
                Arguments.of("   ", "empty line"),
                Arguments.of("hello", "not valid JSON"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2", "truncated JSON"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2]", "truncated JSON"),
                Arguments.of("{\"source\":\"a", "truncated JSON"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2.", "truncated JSON (unexpected end of input in features at feature 1)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,2.5,", "truncated JSON (unexpected end of input in features at feature 2)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1]} x", "trailing content after the JSON object"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1]}{}", "trailing content after the JSON object"),
                Arguments.of("[1,2,3]", "not a JSON object (got an array)"),
                Arguments.of("42", "not a JSON object (got a number)"),
                Arguments.of("{\"label\":1,\"features\":[1]}", "missing source"),
                Arguments.of("{\"source\":\"\",\"label\":1,\"features\":[1]}", "source is empty"),
                Arguments.of("{\"source\":\"  \",\"label\":1,\"features\":[1]}", "source is blank"),
                Arguments.of("{\"source\":true,\"label\":1,\"features\":[1]}", "source is not a string or an integer (got a boolean)"),
                Arguments.of("{\"source\":7.5,\"label\":1,\"features\":[1]}", "source is not a string or an integer (got 7.5)"),
                Arguments.of("{\"source\":\"a\",\"features\":[1]}", "missing label"),
                Arguments.of("{\"source\":\"a\",\"label\":\"cat\",\"features\":[1]}", "label is not a number (got a string)"),
                Arguments.of("{\"source\":\"a\",\"label\":null,\"features\":[1]}", "label is not a number (got null)"),
                Arguments.of("{\"source\":\"a\",\"label\":true,\"features\":[1]}", "label is not a number (got a boolean)"),
                Arguments.of("{\"source\":\"a\",\"label\":NaN,\"features\":[1]}", "label is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1e999,\"features\":[1]}", "label is not a finite number (1e999 overflows)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":\"1,2\"}", "features is not an array (got a string)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":{}}", "features is not an array (got an object)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[0,1,2,\"x\"]}", "feature 3 is not a finite number (got string \"x\")"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[0,1,2,null]}", "feature 3 is not a finite number (got null)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[0,[1]]}", "feature 1 is not a finite number (got an array)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[0,1,2,NaN]}", "feature 3 is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[Infinity]}", "feature 0 is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,-Infinity]}", "feature 1 is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1,1e39]}", "feature 1 is not a finite number (1e39 overflows a float)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1e999]}", "feature 0 is not a finite number (1e999 overflows a float)"),
                Arguments.of("{\"source\":\"a\",\"source\":\"b\",\"label\":1,\"features\":[1]}", "duplicate field 'source'"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"label\":2,\"features\":[1]}", "duplicate field 'label'"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1],\"weight\":2}", "unknown field 'weight'"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"features\":[1],\"indices\":[0],\"values\":[1]}", "both features and indices/values given"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"values\":[1],\"features\":[1]}", "both features and indices/values given"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[0,1],\"values\":[1]}", "indices and values differ in length (2 vs 1)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[0,1]}", "indices given without values"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"values\":[1]}", "values given without indices"),
                Arguments.of("{\"source\":\"a\",\"label\":1}", "missing features"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[3,3],\"values\":[1,2]}", "indices are not strictly increasing at indices[1] (3 after 3)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[3,1],\"values\":[1,2]}", "indices are not strictly increasing at indices[1] (1 after 3)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[-1],\"values\":[1]}", "indices[0] is negative (-1)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[1.5],\"values\":[1]}", "indices[0] is not an integer (1.5)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[3000000000],\"values\":[1]}", "indices[0] is out of range (3000000000)"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[0],\"values\":[NaN]}", "values[0] is not a finite number (non-finite or non-numeric value"),
                Arguments.of("{\"source\":\"a\",\"label\":1,\"indices\":[0],\"values\":[\"1\"]}", "values[0] is not a finite number (got string \"1\")"),
                Arguments.of("{\"source\":\"a\",\"time\":\"2024-01-01\",\"label\":1,\"features\":[1]}", "time is not an integer (epoch milliseconds), got a string"),
                Arguments.of("{\"source\":\"a\",\"time\":1.5e12,\"label\":1,\"features\":[1]}", "time is not an integer (epoch milliseconds), got 1.5e12"),
                Arguments.of("{\"source\":\"a\",\"time\":99999999999999999999,\"label\":1,\"features\":[1]}", "time 99999999999999999999 is out of range"),
                Arguments.of("{source:\"a\",\"label\":1,\"features\":[1]}", "not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void parse_badLine_rejectedWithReason(String line, String reason) {
        assertThatThrownBy(() -> parser.parse(line))
                .isInstanceOf(InvalidRecordException.class)
                .satisfies(e -> {
                    String message = e.getMessage();
                    assertThat(message).startsWith(reason).doesNotContain("\n", "\r");
                    assertThat(Character.isUpperCase(message.charAt(0))).isFalse();
                });
    }

    @Test
    void parse_null_rejected() {
        assertThatThrownBy(() -> parser.parse(null)).hasMessage("empty line");
    }

    @Test
    void parse_longUnknownField_shortenedInReason() {
        String name = "x".repeat(500);
        assertThatThrownBy(() -> parser.parse("{\"" + name + "\":1}"))
                .hasMessageStartingWith("unknown field 'xxxx")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(80));
    }

    @Test
    void parse_printReasons() {
        // documents what dead letters look like
        badLines().limit(10).forEach(a -> {
            try {
                parser.parse((String) a.get()[0]);
            } catch (InvalidRecordException e) {
                System.out.println("reason: " + e.getMessage());
            }
        });
    }
}
