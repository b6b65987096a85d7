package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedflink.data.JsonRowParserTest.assertReason;
import static org.fedflink.data.JsonRowParserTest.parse;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LibSvmRowParserTest {

    private static final RowParser ONE_BASED =
            RowParsers.create(FormatOptions.builder(InputFormat.LIBSVM, 10).build(), null);

    @Test
    void parse_oneBased_shiftedToZeroBased_noSourceNoTime() throws Exception {
        Example e = parse(ONE_BASED, "+1 1:0.5 3:-2 10:1e-3");
        assertThat(e.source()).isNull();
        assertThat(e.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
        assertThat(e.label()).isEqualTo(1.0);
        assertThat(e.indices()).containsExactly(0, 2, 9);
        assertThat(e.values()).containsExactly(0.5f, -2f, 0.001f);
    }

    @Test
    void parse_zeroBased() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.LIBSVM, 10).libsvmIndexBase(0).build(), null);
        assertThat(parse(p, "0 0:1 9:2").indices()).containsExactly(0, 9);
        assertReason(p, "0 10:1", "index 10 is out of range [0, 9]");
    }

    @Test
    void parse_whitespaceCommentsZerosAndLabelOnly() throws Exception {
        Example e = parse(ONE_BASED, "\t-1\t 2:0   4:7 # a comment: 5:1");
        assertThat(e.label()).isEqualTo(-1.0);
        assertThat(e.indices()).containsExactly(1, 3);
        assertThat(e.values()).containsExactly(0f, 7f); // explicit zeros are kept
        Example empty = parse(ONE_BASED, "3.5");
        assertThat(empty.label()).isEqualTo(3.5);
        assertThat(empty.indices()).isEmpty();
        assertThat(parse(ONE_BASED, "1 2:1#comment").indices()).containsExactly(1);
    }

    @Test
    void parse_labelMap_signedLabels() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.LIBSVM, 10)
                .labelMap(Map.of("-1", 0.0, "+1", 1.0)).build(), null);
        assertThat(parse(p, "+1 1:1").label()).isEqualTo(1.0);
        assertThat(parse(p, "-1 1:1").label()).isEqualTo(0.0);
        assertReason(p, "1 1:1", "label '1' is not in input.labelNames");
    }

    @Test
    void parse_manyFeatures_scratchGrows() throws Exception {
        RowParser p = RowParsers.create(FormatOptions.builder(InputFormat.LIBSVM, 1000).build(), null);
        StringBuilder sb = new StringBuilder("1");
        for (int i = 1; i <= 1000; i++) {
            sb.append(' ').append(i).append(':').append(i);
        }
        Example e = parse(p, sb.toString());
        assertThat(e.indices()).hasSize(1000);
        assertThat(e.indices()[999]).isEqualTo(999);
        assertThat(e.values()[999]).isEqualTo(1000f);
        assertThat(parse(p, "0 5:1").indices()).containsExactly(4);
    }

    static Stream<Arguments> badRows() {
        return Stream.of(
                Arguments.of("1 0:1", "index 0 is out of range [1, 10]"),
                Arguments.of("1 11:1", "index 11 is out of range [1, 10]"),
                Arguments.of("1 99999999999999999999:1", "index 99999999999999999999 is out of range [1, 10]"),
                Arguments.of("1 3:1 3:2", "index 3 is repeated"),
                Arguments.of("1 5:1 3:2", "index 3 comes after index 5 (indices must be increasing)"),
                Arguments.of("1 qid:3 1:1", "qid is not supported"),
                Arguments.of("qid:3 1:1", "qid is not supported"),
                Arguments.of("1:0.5 2:1", "missing label (the line starts with '1:0.5')"),
                Arguments.of("# only a comment", "empty line (only a comment)"),
                Arguments.of("cat 1:1", "label is not a number (got 'cat')"),
                Arguments.of("nan 1:1", "label is not a finite number (got 'nan')"),
                Arguments.of("1e999 1:1", "label is not a finite number (1e999 overflows)"),
                Arguments.of("1 2:nan", "value of index 2 is not a finite number (got 'nan')"),
                Arguments.of("1 2:-INF", "value of index 2 is not a finite number (got '-INF')"),
                Arguments.of("1 2:1e39", "value of index 2 is not a finite number (1e39 overflows a float)"),
                Arguments.of("1 2:abc", "value of index 2 is not a number (got 'abc')"),
                // a token's own value before its order among the others: the first defect a user fixes
                Arguments.of("1 10:1 4:abc", "value of index 4 is not a number (got 'abc')"),
                Arguments.of("1 10:1 4:inf", "value of index 4 is not a finite number (got 'inf')"),
                Arguments.of("1 10:1 10:nan", "value of index 10 is not a finite number (got 'nan')"),
                Arguments.of("1 99:x", "value of index 99 is not a number (got 'x')"),
                Arguments.of("1 10:1 4:1 5:abc", "index 4 comes after index 10 (indices must be increasing)"),
                Arguments.of("1 2:", "value of index 2 is empty"),
                Arguments.of("1 2:1:3", "value of index 2 is not a number (got '1:3')"),
                Arguments.of("1 2", "token '2' is not index:value"),
                Arguments.of("1 2 :3", "token '2' is not index:value"),
                Arguments.of("1 :3", "token ':3' has no index before ':'"),
                Arguments.of("1 -2:3", "index '-2' is not a non-negative integer"),
                Arguments.of("1 x:3", "index 'x' is not a non-negative integer"),
                Arguments.of("1,2:3", "missing label (the line starts with '1,2:3')"),
                Arguments.of("1,2 3:1", "label is not a number (got '1,2')"),
                Arguments.of("{\"source\":\"a\"}", "missing label (the line starts with '{\"source\":\"a\"}')"));
    }

    @ParameterizedTest
    @MethodSource("badRows")
    void parse_badRow_rejectedWithReason(String row, String reason) {
        assertReason(ONE_BASED, row, reason);
    }
}
