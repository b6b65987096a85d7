package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.data.Example;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.report.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model writer on a harness: what it writes for named holdouts. */
class ModelWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A logistic model over one feature: {@code P(y = 1) = sigmoid(w x + b)}. */
    private static final ModelSpec LOGISTIC = new ModelSpec(ModelType.LOGISTIC, 1, 2, 0.0);

    @TempDir
    Path tmp;

    /** Examples at x = -2 .. 2 (no 0) labelled {@code x > 0}, or the opposite concept. */
    private static List<Example> concept(boolean flipped) {
        List<Example> examples = new ArrayList<>();
        for (int x = -2; x <= 2; x++) {
            if (x != 0) {
                examples.add(new Example("h", 0, (x > 0) != flipped ? 1 : 0, null, new float[] {x}));
            }
        }
        return examples;
    }

    private static GlobalModel version(long v, float w, boolean last) {
        return new GlobalModel(0, 1, v, new float[] {w, 0}, 100 * v, 3, v, 1_000 * v, 2, 2, 100, 0.5,
                0.4, 0.8, 0.4, 0.8, last);
    }

    private Path run(HoldoutSets holdouts, GlobalModel... versions) throws Exception {
        Path out = tmp.resolve("run");
        // an hour between scorings: only the first version and the final one are scored
        ModelWriter writer = new ModelWriter("job", LOGISTIC, out.toString(), () -> holdouts, 3_600_000);
        try (var harness = new OneInputStreamOperatorTestHarness<>(writer)) {
            harness.open();
            for (GlobalModel v : versions) {
                harness.processElement(v, 0);
            }
        }
        return out;
    }

    @Test
    void metricsHeader_namedHoldoutColumnsComeAfterTheOthers() {
        assertThat(VersionReport.metricsHeader(List.of())).isEqualTo(VersionReport.METRICS_HEADER);
        assertThat(VersionReport.metricsHeader(List.of("a", "b"))).isEqualTo(VersionReport.METRICS_HEADER + ","
                + String.join(",", HoldoutColumns.columns(List.of("a", "b"))));
    }

    @Test
    void publish_twoNamedHoldouts_eachScoredUnderItsName_theFirstAlsoUnprefixed() throws Exception {
        Map<String, List<Example>> named = new LinkedHashMap<>();
        named.put("same", concept(false));
        named.put("flipped", concept(true));

        Path out = run(HoldoutSets.of(null, named), version(1, 5, false), version(2, 5, false), version(3, -5, true));

        CsvTable metrics = CsvTable.read(out.resolve("metrics.csv"));
        assertThat(String.join(",", metrics.header())).isEqualTo(VersionReport.metricsHeader(List.of("same", "flipped")));
        assertThat(metrics.rows()).allSatisfy(row -> assertThat(row).hasSize(metrics.header().size()));
        // version 1 (w = 5) learned "x > 0"; version 2 is not scored; version 3 (w = -5) the opposite
        assertThat(metrics.numbers("holdout.same.accuracy").orElseThrow()).containsExactly(1.0, null, 0.0);
        assertThat(metrics.numbers("holdout.flipped.accuracy").orElseThrow()).containsExactly(0.0, null, 1.0);
        assertThat(metrics.numbers("holdout.same.auc").orElseThrow()).containsExactly(1.0, null, 0.0);
        assertThat(metrics.numbers("holdoutAccuracy")).isEqualTo(metrics.numbers("holdout.same.accuracy"));
        assertThat(metrics.numbers("holdoutLoss")).isEqualTo(metrics.numbers("holdout.same.loss"));
        assertThat(metrics.strings("holdout.flipped.rmse").orElseThrow()).containsOnly("");

        JsonNode meta = JSON.readTree(out.resolve("models/v00000003.json").toFile()).path("metrics");
        assertThat(meta.path("holdoutAccuracy").asDouble()).isEqualTo(0.0);
        assertThat(meta.path("holdoutExamples").asInt()).isEqualTo(4);
        assertThat(meta.path("holdouts").fieldNames()).toIterable().containsExactly("same", "flipped");
        JsonNode flipped = meta.path("holdouts").path("flipped");
        assertThat(flipped.path("examples").asInt()).isEqualTo(4);
        assertThat(flipped.path("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(flipped.path("logLoss").asDouble()).isEqualTo(flipped.path("loss").asDouble()).isPositive();
        assertThat(flipped.path("rmse").isNull()).isTrue();
    }

    @Test
    void publish_ownPrimaryHoldoutAndANamedOne_areScoredApart() throws Exception {
        Path out = run(HoldoutSets.of(concept(false), Map.of("flipped", concept(true))), version(1, 5, true));

        CsvTable metrics = CsvTable.read(out.resolve("metrics.csv"));
        assertThat(metrics.numbers("holdoutAccuracy").orElseThrow()).containsExactly(1.0);
        assertThat(metrics.numbers("holdout.flipped.accuracy").orElseThrow()).containsExactly(0.0);
    }

    @Test
    void publish_globalDriftsOfEachVersion_areTheLastFixedColumnAndInTheMetadata() throws Exception {
        Path out = run(HoldoutSets.of(concept(false), Map.of("flipped", concept(true))), version(1, 5, false),
                version(2, 5, false).withGlobalDrifts(1), version(3, 5, true).withGlobalDrifts(1));

        CsvTable metrics = CsvTable.read(out.resolve("metrics.csv"));
        assertThat(metrics.numbers("globalDrifts").orElseThrow()).containsExactly(0.0, 1.0, 1.0);
        List<String> header = metrics.header();
        assertThat(header.indexOf("globalDrifts")).isEqualTo(header.indexOf("epsilon") + 1)
                .isEqualTo(header.indexOf("holdout.flipped.accuracy") - 1);
        assertThat(JSON.readTree(out.resolve("models/v00000001.json").toFile()).path("metrics").path("globalDrifts")
                .asLong()).isZero();
        assertThat(JSON.readTree(out.resolve("models/latest.json").toFile()).path("metrics").path("globalDrifts")
                .asLong()).isEqualTo(1);
    }

    @Test
    void publish_noNamedHoldout_writesTodaysColumnsOnly() throws Exception {
        Path out = run(HoldoutSets.of(concept(false)), version(1, 5, true));

        CsvTable metrics = CsvTable.read(out.resolve("metrics.csv"));
        assertThat(String.join(",", metrics.header())).isEqualTo(VersionReport.METRICS_HEADER);
        assertThat(JSON.readTree(out.resolve("models/latest.json").toFile()).path("metrics").has("holdouts")).isFalse();
    }

    private List<Long> versionFiles(Path models) throws Exception {
        return new VersionFiles(models).versions().stream().sorted().toList();
    }

    /**
     * With {@code keepLast 3, keepEvery 4}: the newest three and every fourth keep their files, and
     * so does the version a checkpoint holds until a later checkpoint has completed; the parameter
     * files go with the metadata, and metrics.csv keeps every version's row.
     */
    @Test
    void retention_keepsTheNewest_everyKth_andWhatTheRetainedCheckpointHolds() throws Exception {
        Path out = tmp.resolve("run");
        Path models = out.resolve("models");
        ModelWriter writer = new ModelWriter("job", LOGISTIC, out.toString(), () -> HoldoutSets.of(concept(false)),
                3_600_000, null, "loop", new VersionRetention.Policy(3, 4), 0);
        try (var harness = new OneInputStreamOperatorTestHarness<>(writer)) {
            harness.open();
            for (long v = 1; v <= 5; v++) {
                harness.processElement(version(v, 1, false), 0);
            }
            harness.snapshot(1, 10); // holds version 5
            for (long v = 6; v <= 9; v++) {
                harness.processElement(version(v, 1, false), 0);
            }
            // 5 left the newest three but checkpoint 1 (pending, then the one retained) holds it
            assertThat(versionFiles(models)).containsExactly(4L, 5L, 7L, 8L, 9L);
            harness.notifyOfCompletedCheckpoint(1);
            assertThat(versionFiles(models)).containsExactly(4L, 5L, 7L, 8L, 9L);
            harness.snapshot(2, 20); // holds version 9
            harness.notifyOfCompletedCheckpoint(2);
            // one checkpoint is retained (Flink's default): 5 is free now
            assertThat(versionFiles(models)).containsExactly(4L, 7L, 8L, 9L);
            harness.processElement(version(10, 1, true), 0);
        }
        assertThat(versionFiles(models)).containsExactly(4L, 8L, 9L, 10L);
        assertThat(models.resolve("v00000007.f32")).doesNotExist();
        assertThat(models.resolve("v00000008.f32")).exists();
        assertThat(JSON.readTree(models.resolve("latest.json").toFile()).path("version").asLong()).isEqualTo(10);
        assertThat(CsvTable.read(out.resolve("metrics.csv")).size()).isEqualTo(10);
    }

    /**
     * Files at most once a second: the first version, one per interval after it, the newest one at
     * a checkpoint and the final one get files (and are scored); every version has its metrics row
     * and names the version before it as its parent.
     */
    @Test
    void fileInterval_writesFilesByTime_atCheckpoints_andTheFinalVersion() throws Exception {
        Path out = tmp.resolve("run");
        Path models = out.resolve("models");
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ModelWriter("job", LOGISTIC, out.toString(),
                () -> HoldoutSets.of(concept(false)), 3_600_000, null, "loop",
                VersionRetention.Policy.keepEveryVersion(), 1000))) {
            harness.open();
            publishAt(harness, 1, version(1, 5, false));
            publishAt(harness, 10, version(2, 5, false));
            publishAt(harness, 500, version(3, 5, false));
            assertThat(versionFiles(models)).containsExactly(1L);
            harness.setProcessingTime(600);
            harness.snapshot(1, 600); // holds version 3
            assertThat(versionFiles(models)).containsExactly(1L, 3L);
            publishAt(harness, 700, version(4, 5, false));
            publishAt(harness, 1600, version(5, 5, false));
            publishAt(harness, 1610, version(6, 5, true));
        }
        assertThat(versionFiles(models)).containsExactly(1L, 3L, 5L, 6L);
        assertThat(models.resolve("v00000004.f32")).doesNotExist();
        JsonNode fifth = JSON.readTree(models.resolve("v00000005.json").toFile());
        assertThat(fifth.path("parent").path("version").asLong()).isEqualTo(4);
        assertThat(fifth.path("metrics").path("holdoutAccuracy").asDouble()).isEqualTo(1.0);
        assertThat(JSON.readTree(models.resolve("latest.json").toFile()).path("version").asLong()).isEqualTo(6);
        CsvTable metrics = CsvTable.read(out.resolve("metrics.csv"));
        assertThat(metrics.numbers("holdoutAccuracy").orElseThrow()).containsExactly(1.0, null, null, null, 1.0, 1.0);
    }

    /**
     * latest.json is replaced at most every 100 ms while versions come faster, and at a checkpoint
     * and the final version; with a retention of one version it never shows a version whose files
     * are gone.
     */
    @Test
    void latest_followsTheNewestVersionByTime_atCheckpoints_andNeverShowsADeletedVersion() throws Exception {
        Path out = tmp.resolve("run");
        Path models = out.resolve("models");
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ModelWriter("job", LOGISTIC, out.toString(),
                () -> HoldoutSets.of(concept(false)), 3_600_000))) {
            harness.open();
            publishAt(harness, 1, version(1, 5, false));
            publishAt(harness, 50, version(2, 5, false));
            assertThat(latestVersion(models)).isEqualTo(1);
            publishAt(harness, 101, version(3, 5, false));
            assertThat(latestVersion(models)).isEqualTo(3);
            publishAt(harness, 120, version(4, 5, false));
            harness.snapshot(1, 120);
            assertThat(latestVersion(models)).isEqualTo(4);
            publishAt(harness, 130, version(5, 5, false));
            harness.processElement(version(6, 5, true), 0);
            assertThat(latestVersion(models)).isEqualTo(6);
        }
        Path kept = tmp.resolve("kept");
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ModelWriter("job", LOGISTIC, kept.toString(),
                () -> HoldoutSets.of(concept(false)), 3_600_000, null, "loop", new VersionRetention.Policy(1, 0), 0))) {
            harness.open();
            harness.setProcessingTime(1);
            for (long v = 1; v <= 4; v++) {
                harness.processElement(version(v, 5, false), 0);
                long shown = latestVersion(kept.resolve("models"));
                assertThat(kept.resolve("models").resolve(String.format("v%08d.f32", shown))).exists();
            }
        }
    }

    /** Hands {@code version} to the writer at processing time {@code millis}. */
    private static void publishAt(OneInputStreamOperatorTestHarness<GlobalModel, PublishedModel> harness, long millis,
            GlobalModel version) throws Exception {
        harness.setProcessingTime(millis);
        harness.processElement(version, 0);
    }

    private static long latestVersion(Path models) throws Exception {
        return JSON.readTree(models.resolve("latest.json").toFile()).path("version").asLong();
    }

    /** A run under a tighter policy deletes, when it opens, what an earlier one kept that the policy does not. */
    @Test
    void retention_onRestore_deletesWhatThePolicyNoLongerKeeps() throws Exception {
        Path out = tmp.resolve("run");
        Path models = out.resolve("models");
        OperatorSubtaskState snapshot;
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ModelWriter("job", LOGISTIC, out.toString(),
                () -> HoldoutSets.of(concept(false)), 3_600_000))) {
            harness.open();
            for (long v = 1; v <= 6; v++) {
                harness.processElement(version(v, 1, false), 0);
            }
            snapshot = harness.snapshot(1, 10);
        }
        assertThat(versionFiles(models)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        try (var harness = new OneInputStreamOperatorTestHarness<>(new ModelWriter("job", LOGISTIC, out.toString(),
                () -> HoldoutSets.of(concept(false)), 3_600_000, null, "loop", new VersionRetention.Policy(2, 0), 0))) {
            harness.initializeState(snapshot);
            harness.open();
            assertThat(versionFiles(models)).containsExactly(5L, 6L);
        }
    }
}
