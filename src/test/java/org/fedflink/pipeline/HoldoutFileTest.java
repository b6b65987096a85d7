package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.io.FileInput;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A holdout that cannot be read or is not clean fails with one line naming its key. */
class HoldoutFileTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.SOFTMAX, 2, 2, 0.0);

    @TempDir
    Path tmp;

    private static FileInput input(InputFormat format) {
        FormatOptions options = FormatOptions.builder(format, 2).build();
        return new FileInput(format, List.of(), null, options, 1024, 0, null, 0, FeatureScaler.none(), 1, null, 0, null);
    }

    @Test
    void read_holdoutPath_missing() {
        Path missing = tmp.resolve("test.jsonl");

        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.JSONL), missing, null, SPEC))
                .isInstanceOf(FormatException.class)
                .hasMessage("evaluation.holdoutPath: " + missing + " does not exist");
    }

    @Test
    void read_namedHoldout_namesItsPathKey() {
        HoldoutFile.Source late = HoldoutFile.Source.named("late", new JobSpec.HoldoutSpec(tmp.toString(), null));

        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.JSONL), late, SPEC))
                .isInstanceOf(FormatException.class)
                .hasMessage("evaluation.holdouts.late.path: " + tmp + " is a directory, not a file");
    }

    @Test
    void read_namedIdxHoldout_missingLabels_namesItsLabelsKey() throws Exception {
        Path images = Files.write(tmp.resolve("images.idx"), new byte[16]);
        Path labels = tmp.resolve("labels.idx");

        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.IDX),
                        HoldoutFile.Source.named("late", new JobSpec.HoldoutSpec(images.toString(), labels.toString())),
                        SPEC))
                .hasMessage("evaluation.holdouts.late.labelsPath: " + labels + " does not exist");
        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.IDX),
                        HoldoutFile.Source.named("late", new JobSpec.HoldoutSpec(images.toString(), null)), SPEC))
                .hasMessage("evaluation.holdouts.late.labelsPath is required: the IDX labels file of the holdout images "
                        + images);
    }

    @Test
    void read_invalidRow_namesKeyFileAndLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("test.jsonl"),
                "{\"source\": \"h\", \"label\": 1, \"features\": [1, 2]}\n{\"source\": \"h\", \"label\": 1, \"features\": [1]}\n");

        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.JSONL), file, null, SPEC))
                .isInstanceOf(FormatException.class)
                .hasMessage("evaluation.holdoutPath: test.jsonl line 2: expected 2 features, got 1");
    }

    @Test
    void read_csvHeaderThatDoesNotFit_namesKeyAndFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("test.csv"), "source,time,a,b\n");

        assertThatThrownBy(() -> HoldoutFile.read(input(InputFormat.CSV), file, null, SPEC))
                .isInstanceOf(FormatException.class)
                .hasMessage("evaluation.holdoutPath: test.csv: csv header has no label column 'label' (columns: source,"
                        + " time, a, b); set input.fields.label to the name of the label column");
    }

    @Test
    void read_cleanFile_examplesWithoutSourceGetOne() throws Exception {
        Path file = Files.writeString(tmp.resolve("test.jsonl"), "{\"label\": 1, \"features\": [1, 2], \"id\": 4}\n");
        FileInput noSource = new FileInput(InputFormat.JSONL, List.of(), null,
                FormatOptions.builder(InputFormat.JSONL, 2).sourceField(null).build(), 1024, 0, null, 0,
                FeatureScaler.none(), 1, null, 0, null);

        assertThat(HoldoutFile.read(noSource, file, null, SPEC)).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo("holdout"));
    }
}
