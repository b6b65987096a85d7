package org.fedflink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FileInput} says about an input it cannot use, before any job is built. */
class FileInputTest {

    @TempDir
    Path tmp;

    private static JobSpec spec(String... overrides) throws Exception {
        return JobSpecLoader.parse("job: t\nmodel: {type: softmax, features: 2, classes: 2}\n", List.of(overrides));
    }

    @Test
    void prepare_missingPath_oneLineNamingTheKey() throws Exception {
        Path missing = tmp.resolve("x.jsonl");

        assertThatThrownBy(() -> FileInput.prepare(spec("input.type=jsonl", "input.path=" + missing), tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.path: " + missing + " does not exist");
    }

    @Test
    void prepare_idxWithoutItsLabelsFile_namesInputLabelsPath() throws Exception {
        Path images = Files.write(tmp.resolve("images.idx"), new byte[16]);
        Path labels = tmp.resolve("labels.idx");

        assertThatThrownBy(() -> FileInput.prepare(spec("input.type=idx", "input.path=" + images,
                        "input.labelsPath=" + labels, "input.partition.scheme=iid"), tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.labelsPath: " + labels + " does not exist");
    }

    @Test
    void prepare_monitoredFile_isNotADirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("a.csv"), "source,time,label,a,b\n");

        assertThatThrownBy(() -> FileInput.prepare(spec("input.type=csv", "input.path=" + file, "input.monitor=true"),
                        tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.path: " + file + " is not a directory (input.monitor is true)");
    }

    @Test
    void prepare_fileWithoutRecords_namesTheKey() throws Exception {
        Path empty = Files.writeString(tmp.resolve("a.csv"), "source,time,label,a,b\n");

        assertThatThrownBy(() -> FileInput.prepare(spec("input.type=csv", "input.path=" + empty), tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.path: " + empty + " has no records");
    }

    @Test
    void formatOptions_carryInputUnknownFields() throws Exception {
        assertThat(FileInput.formatOptions(spec("input.type=jsonl", "input.path=x")).unknownFields())
                .isEqualTo(FormatOptions.UnknownFields.IGNORE);
        assertThat(FileInput.formatOptions(spec("input.type=jsonl", "input.path=x", "input.unknownFields=reject"))
                        .unknownFields())
                .isEqualTo(FormatOptions.UnknownFields.REJECT);
    }
}
