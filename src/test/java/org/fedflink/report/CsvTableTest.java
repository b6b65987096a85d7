package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

    @TempDir
    Path tmp;

    @Test
    void columns_areFoundByHeaderName_inAnyOrder() throws Exception {
        Path file = tmp.resolve("m.csv");
        Files.writeString(file, "b, a ,c\n1,2,3\n4,5,6\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.header()).containsExactly("b", "a", "c");
        assertThat(table.numbers("a")).contains(java.util.List.of(2.0, 5.0));
        assertThat(table.numbers("c")).contains(java.util.List.of(3.0, 6.0));
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void absentColumn_isEmpty_notAnError() throws Exception {
        Path file = tmp.resolve("m.csv");
        Files.writeString(file, "version,holdoutAccuracy\n1,0.5\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.has("holdoutAuc")).isFalse();
        assertThat(table.numbers("holdoutAuc")).isEmpty();
        assertThat(table.strings("holdoutAuc")).isEmpty();
        assertThat(table.unparsable("holdoutAuc")).isZero();
    }

    @Test
    void blankUnparsableAndNonFiniteCells_readAsNull() throws Exception {
        Path file = tmp.resolve("m.csv");
        Files.writeString(file, "version,acc\n1,\n2,0.25\n3,abc\n4,NaN\n5,Infinity\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.numbers("acc").orElseThrow()).containsExactly(null, 0.25, null, null, null);
        assertThat(table.unparsable("acc")).isEqualTo(3);
    }

    @Test
    void quotedCells_keepCommasAndQuotes_andShortRowsArePadded() throws Exception {
        Path file = tmp.resolve("sources.csv");
        Files.writeString(file, "source,samples,prequentialAccuracy\n\"south, \"\"east\"\"\",10,0.5\nnorth,20\n\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.strings("source").orElseThrow()).containsExactly("south, \"east\"", "north");
        assertThat(table.numbers("prequentialAccuracy").orElseThrow()).containsExactly(0.5, null);
        assertThat(table.rows()).allMatch(r -> r.size() == 3);
    }

    @Test
    void emptyFile_hasNoColumns_andAbsentFileIsEmpty() throws Exception {
        Path file = tmp.resolve("empty.csv");
        Files.writeString(file, "");

        assertThat(CsvTable.read(file).header()).isEmpty();
        assertThat(CsvTable.read(file).size()).isZero();
        assertThat(CsvTable.readIfExists(tmp.resolve("absent.csv"))).isEmpty();
    }
}
