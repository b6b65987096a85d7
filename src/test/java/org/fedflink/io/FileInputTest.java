package org.fedflink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
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
    void prepare_rowsNamingTheirSourceForReadingTrainers_eachRowTheKeyGroupKeyByGivesItsSource() throws Exception {
        Path file = Files.writeString(tmp.resolve("a.jsonl"), String.join("\n",
                "{\"source\": \"alice\", \"label\": 1, \"features\": [1, 2]}",
                "{\"source\": \"bob\", \"label\": 0, \"features\": [3, 4]}",
                "not json",
                "{\"source\": \"carol\", \"label\": 1, \"features\": [5, 6]}") + "\n");

        FileInput input = FileInput.prepare(spec("input.type=jsonl", "input.path=" + file,
                "trainer.parallelism=3", "input.parallelism=2"), tmp);

        assertThat(input.keyGroups()).isEqualTo(128);
        assertThat(input.groupOfRow()).as("no readers' pass: input.parallelism is unused").isNull();
        assertThat(input.keyGroupOfRow(0, 128)).isEqualTo(KeyGroupRangeAssignment.assignToKeyGroup("alice", 128));
        assertThat(input.keyGroupOfRow(1, 128)).isEqualTo(KeyGroupRangeAssignment.assignToKeyGroup("bob", 128));
        assertThat(input.keyGroupOfRow(2, 128)).as("a row without a source: any trainer dead-letters it")
                .isEqualTo(2);
        assertThat(input.keyGroupOfRow(3, 128)).isEqualTo(KeyGroupRangeAssignment.assignToKeyGroup("carol", 128));
        assertThatThrownBy(() -> input.keyGroupOfRow(0, 256)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the input was prepared for trainers of 128 key groups, not 256");
        assertThat(FileInput.prepare(spec("input.type=jsonl", "input.path=" + file, "input.readBy=readers"), tmp)
                .keyGroupOfRow()).as("read by readers: no pass").isNull();
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
