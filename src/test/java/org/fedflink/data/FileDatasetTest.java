package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDatasetTest {

    @TempDir
    Path tmp;

    private FormatOptions csv() {
        return FormatOptions.builder(InputFormat.CSV, 2).build();
    }

    @Test
    void severalCsvFiles_rowsSkipHeadersAndEmptyFiles_andKeepTheirFileAndLine() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "source,time,label,x,y\ns1,1,0,1,2\ns2,2,1,3,4\n");
        Path empty = Files.writeString(tmp.resolve("b.csv"), "source,time,label,x,y\n");
        Path c = Files.writeString(tmp.resolve("c.csv"), "label,y,x,source,time\n1,5,6,s3,3\nbad\n");

        try (FileDataset d = FileDataset.openText(List.of(a, empty, c), csv(), 1024, tmp)) {
            assertThat(d.rows()).isEqualTo(4);
            FileDataset.Parsed second = d.read(1);
            assertThat(second.origin()).isEqualTo("a.csv");
            assertThat(second.line()).isEqualTo(3);
            assertThat(second.example().source()).isEqualTo("s2");
            FileDataset.Parsed third = d.read(2);
            assertThat(third.origin()).isEqualTo("c.csv");
            assertThat(third.line()).isEqualTo(2);
            // source, time and label are found by name in each file's own header; features keep header order
            assertThat(third.example().values()).containsExactly(5f, 6f);
            FileDataset.Parsed fourth = d.read(3);
            assertThat(fourth.valid()).isFalse();
            assertThat(fourth.line()).isEqualTo(3);
            assertThat(fourth.reason()).isEqualTo("expected 5 columns, got 1");
            assertThat(fourth.text()).isEqualTo("bad");
            assertThat(d.classOf(3)).isEqualTo(-1);
            assertThat(d.classOf(2)).isEqualTo(1);
        }
    }

    @Test
    void oversizedLine_isInvalidWithItsLength() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "source,time,label,x,y\ns1,1,0,1," + "2".repeat(100) + "\n");
        try (FileDataset d = FileDataset.openText(List.of(a), csv(), 32, tmp)) {
            FileDataset.Parsed row = d.read(0);
            assertThat(row.reason()).isEqualTo("line of 109 bytes is longer than the limit of 32 bytes (input.maxLineBytes)");
        }
    }

    @Test
    void unknownFields_oneTallyForAllFiles_countsRowsAndNamesEachOnce() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.jsonl"),
                "{\"source\": \"s\", \"label\": 1, \"features\": [1, 2], \"meta\": {\"x\": 1}, \"id\": 7}\n");
        Path b = Files.writeString(tmp.resolve("b.jsonl"),
                "{\"source\": \"s\", \"label\": 0, \"features\": [1, 2], \"meta\": null}\n"
                        + "{\"source\": \"s\", \"label\": 0, \"features\": [1, 2]}\n");
        FormatOptions jsonl = FormatOptions.builder(InputFormat.JSONL, 2).build();

        try (FileDataset d = FileDataset.openText(List.of(a, b), jsonl, 1024, tmp)) {
            for (long i = 0; i < d.rows(); i++) {
                assertThat(d.read(i).valid()).isTrue();
            }

            assertThat(d.unknownFields().rows()).isEqualTo(2);
            assertThat(d.unknownFields().names()).containsExactly("meta", "id");
        }
    }

    @Test
    void csvHeaderProblem_namesTheFile() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "source,time,x,y\n");

        assertThatThrownBy(() -> FileDataset.openText(List.of(a), csv(), 1024, tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("a.csv: csv header has no label column 'label' (columns: source, time, x, y); set"
                        + " input.fields.label to the name of the label column");
    }

    @Test
    void csvFileWithoutHeader_isAFormatError() throws Exception {
        Path empty = Files.writeString(tmp.resolve("e.csv"), "");
        assertThatThrownBy(() -> FileDataset.openText(List.of(empty), csv(), 1024, tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("e.csv is empty: a CSV file needs a header (input.csv.header is true)");
    }
}
