package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.RowParsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArffTest {

    @TempDir
    Path tmp;

    /** The head of what MOA's WriteStreamToARFFFile wrote for SEAGenerator (rows end with a comma). */
    private static final String SEA = """
            @relation 'generators.SEAGenerator '

            @attribute attrib1 numeric
            @attribute attrib2 numeric
            @attribute attrib3 numeric
            @attribute class {groupA,groupB}

            @data

            7.308781907032909,4.100808114922017,2.077148413097171,groupB,
            8.052277714737137,0.050251759924525574,5.231351557883331,groupA,
            5.771002613742765,2.0491354575856158,6.233638106316658,groupA,
            """;

    private static String convert(String arff, long skip, long limit) throws Exception {
        StringWriter out = new StringWriter();
        Arff.convert(new BufferedReader(new StringReader(arff)), out, "t.arff", skip, limit);
        return out.toString();
    }

    @Test
    void convert_moaNumericRows_writeTheClassIndexAndTheFeatures() throws Exception {
        assertThat(convert(SEA, 0, Long.MAX_VALUE)).isEqualTo("""
                {"label":1,"features":[7.308782,4.100808,2.0771484]}
                {"label":0,"features":[8.052278,0.05025176,5.2313514]}
                {"label":0,"features":[5.771003,2.0491354,6.2336383]}
                """);
    }

    @Test
    void toJsonLines_skipAndLimit_selectARangeOfRows_andCountClasses() throws Exception {
        Path arff = Files.writeString(tmp.resolve("sea.arff"), SEA);
        Path jsonl = tmp.resolve("sea.jsonl");

        Arff.Conversion c = Arff.toJsonLines(arff, jsonl, 1, 1);

        assertThat(Files.readAllLines(jsonl)).containsExactly("{\"label\":0,\"features\":[8.052278,0.05025176,5.2313514]}");
        assertThat(c.rows()).isEqualTo(1);
        assertThat(c.classCounts()).containsExactly(1, 0);
        assertThat(c.header().relation()).isEqualTo("generators.SEAGenerator ");
        assertThat(c.header().features()).isEqualTo(3);
        assertThat(c.header().classAttribute().values()).containsExactly("groupA", "groupB");
    }

    @Test
    void convert_nominalFeatures_areOneHot_andQuotesComeOff() throws Exception {
        String arff = """
                % a comment
                @RELATION agrawal
                @ATTRIBUTE salary REAL
                @attribute 'car make' {'ford',"vw",bmw}
                @attribute age integer
                @attribute class {'groupA','groupB'}
                @DATA
                100.5,vw,30,'groupB'
                7,'bmw',51,groupA
                """;

        assertThat(convert(arff, 0, Long.MAX_VALUE)).isEqualTo("""
                {"label":1,"features":[100.5,0,1,0,30.0]}
                {"label":0,"features":[7.0,0,0,1,51.0]}
                """);
    }

    @Test
    void convert_numericClass_isWrittenAsItsValue() throws Exception {
        assertThat(convert("@attribute x numeric\n@attribute y numeric\n@data\n1,2.5\n", 0, Long.MAX_VALUE))
                .isEqualTo("{\"label\":2.5,\"features\":[1.0]}\n");
    }

    @Test
    void convert_rowsParseWithTheProjectsJsonLineParser() throws Exception {
        FormatOptions options = FormatOptions.builder(InputFormat.JSONL, 3).sourceField(null).timeField(null).build();
        var parser = RowParsers.create(options, null);

        for (String line : convert(SEA, 0, Long.MAX_VALUE).split("\n")) {
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Example e = parser.parse(bytes, 0, bytes.length);
            assertThat(e.values()).hasSize(3);
            assertThat(e.label()).isIn(0.0, 1.0);
        }
    }

    @Test
    void convert_unsupportedInput_failsWithTheLine() {
        String head = "@attribute x numeric\n@attribute c {a,b}\n@data\n";
        assertThatThrownBy(() -> convert(head + "?,a\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 4: attribute x is missing ('?'): missing values are not supported");
        assertThatThrownBy(() -> convert(head + "{0 1}\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 4: sparse ARFF rows are not supported");
        assertThatThrownBy(() -> convert(head + "1,c\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 4: attribute c has no value 'c' (declared: [a, b])");
        assertThatThrownBy(() -> convert(head + "1,a,3\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 4: expected 2 values, got 3");
        assertThatThrownBy(() -> convert(head + "x1,a\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 4: attribute x is not a finite number: 'x1'");
        assertThatThrownBy(() -> convert("@attribute s string\n@data\n", 0, Long.MAX_VALUE))
                .hasMessage("t.arff line 1: attribute s has type 'string': only numeric, real, integer and nominal {...}"
                        + " attributes are supported");
        assertThatThrownBy(() -> convert("@attribute x numeric\n", 0, Long.MAX_VALUE)).hasMessage("t.arff: no @data section");
    }

    @Test
    void header_features_countsEachNominalValue() {
        Arff.Header h = new Arff.Header("r", List.of(new Arff.Attribute("a", null),
                new Arff.Attribute("b", List.of("x", "y", "z")), new Arff.Attribute("c", List.of("p", "q"))));

        assertThat(h.features()).isEqualTo(4);
    }
}
