package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows to score ({@link FormatOptions#scoring()}): what a trained model's input may leave out, and
 * the pieces that restore a run's preprocessing (IDX images without labels, a standardizer from
 * recorded statistics).
 */
class ScoringInputTest {

    @TempDir
    Path dir;

    private static FormatOptions jsonl(boolean scoring) {
        return FormatOptions.builder(InputFormat.JSONL, 2).scoring(scoring).build();
    }

    private static Example parse(FormatOptions options, String header, String row) throws InvalidRecordException {
        RowParser parser = RowParsers.create(options, header == null ? null : header.getBytes(StandardCharsets.UTF_8));
        return parser.parse(row.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(FormatOptions options, String header, String row) {
        try {
            parse(options, header, row);
            return null;
        } catch (InvalidRecordException e) {
            return e.getMessage();
        }
    }

    @Test
    void scoring_isOffByDefault_andKeptByToBuilder() {
        assertThat(FormatOptions.builder(InputFormat.CSV, 3).build().scoring()).isFalse();
        assertThat(jsonl(true).toBuilder().build().scoring()).isTrue();
    }

    @Test
    void jsonl_withoutLabelOrSource_isInvalidForTraining_butScoredWithNaNLabelAndNullSource() throws Exception {
        String row = "{\"features\": [1, 2]}";
        assertThat(reason(jsonl(false), null, row)).isEqualTo("missing source");

        Example e = parse(jsonl(true), null, row);

        assertThat(e.label()).isNaN();
        assertThat(e.source()).isNull();
        assertThat(e.values()).containsExactly(1f, 2f);
    }

    @Test
    void jsonl_scoring_keepsLabelSourceAndTime_whenPresent() throws Exception {
        Example e = parse(jsonl(true), null, "{\"source\": \"s1\", \"time\": 5, \"label\": 1, \"features\": [1, 2]}");

        assertThat(e.source()).isEqualTo("s1");
        assertThat(e.timestamp()).isEqualTo(5);
        assertThat(e.label()).isEqualTo(1.0);
    }

    @Test
    void jsonl_scoring_nullLabelAndSource_meanAbsent() throws Exception {
        Example e = parse(jsonl(true), null, "{\"source\": null, \"label\": null, \"features\": [1, 2]}");

        assertThat(e.label()).isNaN();
        assertThat(e.source()).isNull();
        assertThat(reason(jsonl(false), null, "{\"source\": \"s\", \"label\": null, \"features\": [1, 2]}"))
                .isEqualTo("label is not a number (got null)");
    }

    @Test
    void jsonl_scoring_unknownKeys_followTheSettingAsInTraining_andMustStillBeJson() throws Exception {
        String row = "{\"id\": {\"a\": [1, 2, {\"b\": 3}]}, \"features\": [1, 2], \"note\": \"x\"}";
        FormatOptions reject = jsonl(true).toBuilder().unknownFields(FormatOptions.UnknownFields.REJECT).build();

        assertThat(parse(jsonl(true), null, row).values()).containsExactly(1f, 2f);
        assertThat(reason(reject, null, row)).isEqualTo("unknown field 'id'");
        assertThat(reason(jsonl(true), null, "{\"id\": [1, , 2], \"features\": [1, 2]}"))
                .isEqualTo("not valid JSON at column 12: unexpected character (',' (code 44)): expected a valid value"
                        + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
    }

    @Test
    void jsonl_scoring_stillRejectsBadFeaturesAndBadLabels() {
        assertThat(reason(jsonl(true), null, "{\"features\": [1]}")).isEqualTo("expected 2 features, got 1");
        assertThat(reason(jsonl(true), null, "{\"label\": \"x\", \"features\": [1, 2]}"))
                .isEqualTo("label is not a number (got a string)");
    }

    @Test
    void jsonl_scoring_withLabelMap_looksUpPresentLabels() throws Exception {
        FormatOptions options = jsonl(true).toBuilder().labelMap(Map.of("cat", 0.0, "dog", 1.0)).build();

        assertThat(parse(options, null, "{\"label\": \"dog\", \"features\": [1, 2]}").label()).isEqualTo(1.0);
        assertThat(parse(options, null, "{\"features\": [1, 2]}").label()).isNaN();
        assertThat(reason(options, null, "{\"label\": \"cow\", \"features\": [1, 2]}"))
                .isEqualTo("label 'cow' is not in input.labelNames");
    }

    @Test
    void csvHeader_withoutLabelSourceOrTime_failsForTraining_butIsFineForScoring() throws Exception {
        FormatOptions training = FormatOptions.builder(InputFormat.CSV, 2).build();
        assertThatThrownBy(() -> RowParsers.create(training, "a,b".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("csv header has no label column 'label'");

        Example e = parse(training.toBuilder().scoring(true).build(), "a,b", "1.5,2");

        assertThat(e.values()).containsExactly(1.5f, 2f);
        assertThat(e.label()).isNaN();
        assertThat(e.source()).isNull();
        assertThat(e.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
    }

    @Test
    void csv_scoring_emptyLabelOrSource_meansAbsent_aFilledOneIsRead() throws Exception {
        FormatOptions options = FormatOptions.builder(InputFormat.CSV, 2).scoring(true).build();
        String header = "source,time,label,a,b";

        Example empty = parse(options, header, ",,  ,1,2");
        Example full = parse(options, header, "s9,7,1,1,2");

        assertThat(empty.label()).isNaN();
        assertThat(empty.source()).isNull();
        assertThat(full.label()).isEqualTo(1.0);
        assertThat(full.source()).isEqualTo("s9");
        assertThat(full.timestamp()).isEqualTo(7);
        assertThat(reason(options.toBuilder().scoring(false).build(), header, ",,1,1,2")).isEqualTo("source is empty");
        assertThat(reason(options.toBuilder().scoring(false).build(), header, "s,,,1,2")).isNotNull();
    }

    @Test
    void csv_scoring_headerWithFeatureColumnsMissing_stillFails() {
        FormatOptions options = FormatOptions.builder(InputFormat.CSV, 3).scoring(true).build();

        assertThatThrownBy(() -> RowParsers.create(options, "label,a,b".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("csv header has 2 feature columns, expected 3");
    }

    @Test
    void idxImagesAlone_haveNaNLabels_andNoLabelToAskFor() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16 + 2 * 4);
        b.putInt(IdxDataset.IMAGES_MAGIC).putInt(2).putInt(2).putInt(2);
        b.put(new byte[] {0, 1, 2, (byte) 255, 4, 5, 6, 7});
        Path images = Files.write(dir.resolve("images-idx3-ubyte"), b.array());

        IdxDataset data = IdxDataset.readImages(images);

        assertThat(data.hasLabels()).isFalse();
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.example(0, null, 0).values()).containsExactly(0f, 1f, 2f, 255f);
        assertThat(data.example(1, null, 0).label()).isNaN();
        assertThatThrownBy(() -> data.label(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void standardizerOf_recordedStatistics_appliesExactlyAsTheFittedOne() {
        List<Example> sample = List.of(
                new Example("s", 0, 0, null, new float[] {1, 10, 3}),
                new Example("s", 0, 0, null, new float[] {2, 30, 3}),
                new Example("s", 0, 0, null, new float[] {4, 20, 3}));
        Standardizer fitted = Standardizer.fit(sample, 3);
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int j = 0; j < 3; j++) {
            mean[j] = fitted.mean(j);
            std[j] = fitted.std(j);
        }

        Standardizer restored = Standardizer.of(mean, std);

        Example dense = new Example("s", 0, 0, null, new float[] {3, 25, 7});
        Example sparse = new Example("s", 0, 0, new int[] {0, 2}, new float[] {3, 7});
        assertThat(restored.apply(dense).values()).containsExactly(fitted.apply(dense).values());
        assertThat(restored.apply(sparse).values()).containsExactly(fitted.apply(sparse).values());
    }

    @Test
    void standardizerOf_rejectsMismatchedOrInvalidStatistics() {
        assertThatThrownBy(() -> Standardizer.of(new double[2], new double[3]))
                .hasMessage("mean and std must have the same length >= 1, got 2 and 3");
        assertThatThrownBy(() -> Standardizer.of(new double[] {0}, new double[] {-1}))
                .hasMessage("std of feature 0 must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> Standardizer.of(new double[] {Double.NaN}, new double[] {1}))
                .hasMessage("mean of feature 0 is not finite (NaN)");
    }
}
