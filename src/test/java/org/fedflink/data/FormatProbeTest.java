package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FormatProbeTest {

    private static final FormatOptions LIBSVM = FormatOptions.builder(InputFormat.LIBSVM, 4).build();
    private static final FormatOptions CSV = FormatOptions.builder(InputFormat.CSV, 2).build();
    private static final FormatOptions JSONL = FormatOptions.builder(InputFormat.JSONL, 2).build();

    private static List<byte[]> rows(String... rows) {
        List<byte[]> list = new ArrayList<>();
        for (String r : rows) {
            list.add(r.getBytes(StandardCharsets.UTF_8));
        }
        return list;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void check_rightFormat_passesEvenWithSomeBadRows() {
        assertThatCode(() -> FormatProbe.check("a.svm", LIBSVM, null, rows("1 1:x", "", "0 1:1 4:2")))
                .doesNotThrowAnyException();
        assertThatCode(() -> FormatProbe.check("a.csv", CSV, bytes("source,time,label,a,b"), rows("s,1,0,1,2")))
                .doesNotThrowAnyException();
        // nothing to judge: an empty file is not the wrong format
        assertThatCode(() -> FormatProbe.check("empty.jsonl", JSONL, null, rows("", "  ")))
                .doesNotThrowAnyException();
    }

    @Test
    void check_csvDeclaredLibsvm_namesFileFormatLineAndReason() {
        assertThatThrownBy(() -> FormatProbe.check("data.csv", LIBSVM, null, rows("", "a,b,c", "1,2,3")))
                .isInstanceOf(FormatException.class)
                .hasMessage("data.csv does not look like libsvm: line 2: label is not a number (got 'a,b,c')"
                        + " (none of the first 2 rows parses)");
    }

    @Test
    void check_jsonlDeclaredCsv_headerProblem() {
        String json = "{\"source\":\"a\",\"label\":1,\"features\":[1,2]}";
        assertThatThrownBy(() -> FormatProbe.check("data.jsonl", CSV, bytes(json), rows(json)))
                .isInstanceOf(FormatException.class)
                .hasMessage("data.jsonl: csv header: quote inside the unquoted field in column 1 (quote the whole"
                        + " field and double the quote)");
    }

    @Test
    void check_libsvmDeclaredJsonl_lineNumbersCountTheRows() {
        assertThatThrownBy(() -> FormatProbe.check("train.svm", "input.type", JSONL, null, rows("1 1:0.5")))
                .isInstanceOf(FormatException.class)
                .hasMessage("train.svm does not look like jsonl (input.type): line 1: not a JSON object (got a number)");
        assertThatThrownBy(() -> FormatProbe.check("train.svm", JSONL, null, rows("1 1:0.5")))
                .isInstanceOf(FormatException.class)
                .hasMessage("train.svm does not look like jsonl: line 1: not a JSON object (got a number)");
    }

    @Test
    void check_csvWithHeader_lineNumbersCountTheHeader() {
        assertThatThrownBy(() -> FormatProbe.check("x.csv", CSV, bytes("source,time,label,a,b"), rows("s;1;0;1;2")))
                .isInstanceOf(FormatException.class)
                .hasMessage("x.csv does not look like csv: line 2: expected 5 columns, got 1");
    }

    @Test
    void check_triesAtMost100NonBlankRows() {
        List<byte[]> rows = new ArrayList<>(Collections.nCopies(100, bytes("bad")));
        rows.add(bytes("1 1:1")); // the 101st row would parse, but is not read
        assertThatThrownBy(() -> FormatProbe.check("f", LIBSVM, null, rows))
                .isInstanceOf(FormatException.class)
                .hasMessageEndingWith("(none of the first 100 rows parses)");
        List<byte[]> withBlanks = new ArrayList<>();
        IntStream.range(0, 99).forEach(i -> {
            withBlanks.add(bytes("bad"));
            withBlanks.add(bytes(" "));
        });
        withBlanks.add(bytes("1 1:1")); // the 100th non-blank row: read
        assertThatCode(() -> FormatProbe.check("f", LIBSVM, null, withBlanks)).doesNotThrowAnyException();
        assertThat(FormatProbe.MAX_ROWS).isEqualTo(100);
    }
}
