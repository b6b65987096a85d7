package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.Evaluator;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.report.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator tests of {@link LocalBaselineWriter}: the {@code sources.csv} and {@code summary.json}
 * it writes at the end of the input for hand-made per-source results (columns, figures, order,
 * quoting, figures that do not apply left out), and that results held in its state at a snapshot
 * are written after a restore.
 *
 * <pre>
 * classifier, holdouts "holdout" and "shifted"      holdout: acc  loss  F1   auc   shifted: acc  loss  F1   auc
 *   a:   6 examples, 3 correct, loss sum 3            0.6  0.7   0.5  0.8            0.2  2.0   0.1  0.5
 *   b:   4 examples, 3 correct, loss sum 2            0.8  0.5   0.75 0.9            0.4  1.25  0.3  0.6
 *   x,y: 0 examples                                   0.5  0.9   0.25 0.5            0.3  1.5   0.2  0.4
 * pooled: 10 examples, accuracy 6 / 10, loss 5 / 10
 * holdout accuracy over sources: mean 1.9 / 3, min 0.5, max 0.8, worst decile (the worst one) 0.5
 * holdout loss over sources:     mean 0.7,     min 0.5, max 0.9, worst decile (the highest) 0.9
 * </pre>
 */
class LocalBaselineWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOLDOUTS = List.of("holdout", "shifted");

    @TempDir
    Path tmp;

    private static Evaluator.Score classified(double accuracy, double loss, double macroF1, double auc) {
        return new Evaluator.Score(10, accuracy, loss, macroF1, auc, Double.NaN, Double.NaN);
    }

    private static final LocalBaseline.SourceResult A = new LocalBaseline.SourceResult("a", 6, 3, 3.0,
            new Evaluator.Score[] {classified(0.6, 0.7, 0.5, 0.8), classified(0.2, 2.0, 0.1, 0.5)});
    private static final LocalBaseline.SourceResult B = new LocalBaseline.SourceResult("b", 4, 3, 2.0,
            new Evaluator.Score[] {classified(0.8, 0.5, 0.75, 0.9), classified(0.4, 1.25, 0.3, 0.6)});
    private static final LocalBaseline.SourceResult XY = new LocalBaseline.SourceResult("x,y", 0, 0, 0.0,
            new Evaluator.Score[] {classified(0.5, 0.9, 0.25, 0.5), classified(0.3, 1.5, 0.2, 0.4)});

    private static final String HEADER = "source,examples,prequentialAccuracy,prequentialLoss,"
            + "holdoutAccuracy,holdoutLoss,holdoutMacroF1,holdoutAuc,holdoutRmse,"
            + "shiftedAccuracy,shiftedLoss,shiftedMacroF1,shiftedAuc,shiftedRmse";

    private Path dir() {
        return tmp.resolve("run").resolve(RunFolder.LOCAL_BASELINE);
    }

    private OneInputStreamOperatorTestHarness<LocalBaseline.SourceResult, Void> harness(List<String> holdouts,
            boolean classifier) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LocalBaselineWriter(dir().toString(), holdouts, classifier));
    }

    private List<String> sourcesLines() throws Exception {
        return Files.readAllLines(dir().resolve(RunFolder.SOURCES));
    }

    private JsonNode summary() throws Exception {
        return JSON.readTree(dir().resolve(RunFolder.SUMMARY).toFile());
    }

    @Test
    void endInput_writesOneRowPerSourceSortedByName_withEachHoldoutsFigures() throws Exception {
        try (var h = harness(HOLDOUTS, true)) {
            h.open();
            h.processElement(XY, 0);
            h.processElement(B, 0);
            h.processElement(A, 0);
            h.endInput();
        }

        assertThat(sourcesLines()).containsExactly(HEADER,
                "a,6,0.500000,0.500000,0.600000,0.700000,0.500000,0.800000,,0.200000,2.000000,0.100000,0.500000,",
                "b,4,0.750000,0.500000,0.800000,0.500000,0.750000,0.900000,,0.400000,1.250000,0.300000,0.600000,",
                // quoted for its comma; no examples, so no prequential figures
                "\"x,y\",0,,,0.500000,0.900000,0.250000,0.500000,,0.300000,1.500000,0.200000,0.400000,");
        CsvTable table = CsvTable.read(dir().resolve(RunFolder.SOURCES));
        assertThat(table.strings("source").orElseThrow()).containsExactly("a", "b", "x,y");
    }

    @Test
    void endInput_summaryHoldsThePooledPrequentialFiguresAndTheSpreadOverSources() throws Exception {
        try (var h = harness(HOLDOUTS, true)) {
            h.open();
            h.processElement(A, 0);
            h.processElement(B, 0);
            h.processElement(XY, 0);
            h.endInput();
        }

        JsonNode s = summary();
        assertThat(s.path("sources").asInt()).isEqualTo(3);
        assertThat(s.path("examples").asLong()).isEqualTo(10);
        assertThat(s.path("prequentialAccuracy").asDouble()).isCloseTo(0.6, within(1e-12));
        assertThat(s.path("prequentialLoss").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(s.path("holdouts").fieldNames()).toIterable().containsExactly("holdout", "shifted");

        JsonNode accuracy = s.path("holdouts").path("holdout").path("accuracy");
        assertThat(accuracy.path("mean").asDouble()).isCloseTo(1.9 / 3, within(1e-12));
        assertThat(accuracy.path("min").asDouble()).isEqualTo(0.5);
        assertThat(accuracy.path("max").asDouble()).isEqualTo(0.8);
        assertThat(accuracy.path("worstDecile").asDouble()).isEqualTo(0.5);
        JsonNode loss = s.path("holdouts").path("holdout").path("loss");
        assertThat(loss.path("mean").asDouble()).isCloseTo(0.7, within(1e-12));
        assertThat(loss.path("min").asDouble()).isEqualTo(0.5);
        assertThat(loss.path("worstDecile").asDouble()).isEqualTo(0.9);
        JsonNode shiftedAuc = s.path("holdouts").path("shifted").path("auc");
        assertThat(shiftedAuc.path("mean").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(shiftedAuc.path("worstDecile").asDouble()).isEqualTo(0.4);
        // no source has an RMSE or MAE: left out
        assertThat(s.path("holdouts").path("holdout").fieldNames()).toIterable()
                .containsExactly("accuracy", "loss", "macroF1", "auc");
    }

    @Test
    void snapshot_resultsHeldBeforeIt_areWrittenAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(HOLDOUTS, true)) {
            h.open();
            h.processElement(B, 0);
            h.processElement(A, 0);
            snapshot = h.snapshot(1, 1);
        }
        assertThat(dir()).doesNotExist();
        try (var h = harness(HOLDOUTS, true)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(XY, 0);
            h.endInput();
        }

        List<String> lines = sourcesLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("a,6,0.500000,");
        assertThat(lines.get(2)).startsWith("b,4,0.750000,");
        assertThat(lines.get(3)).startsWith("\"x,y\",0,");
        assertThat(summary().path("sources").asInt()).isEqualTo(3);
        assertThat(summary().path("examples").asLong()).isEqualTo(10);
    }

    @Test
    void endInput_noResults_writesTheHeaderAndAnEmptySummary() throws Exception {
        try (var h = harness(HOLDOUTS, true)) {
            h.open();
            h.endInput();
        }

        assertThat(sourcesLines()).containsExactly(HEADER);
        JsonNode s = summary();
        assertThat(s.path("sources").asInt()).isZero();
        assertThat(s.path("examples").asLong()).isZero();
        assertThat(s.has("prequentialAccuracy")).isFalse();
        assertThat(s.has("prequentialLoss")).isFalse();
        assertThat(s.path("holdouts").path("holdout").size()).isZero();
    }

    private static LocalBaseline.SourceResult regression(String source, long examples, double lossSum, double rmse) {
        return new LocalBaseline.SourceResult(source, examples, 0, lossSum,
                new Evaluator.Score[] {new Evaluator.Score(5, Double.NaN, rmse * rmse / 2, Double.NaN, Double.NaN,
                        rmse, rmse / 2)});
    }

    @Test
    void endInput_regression_summaryLeavesOutTheClassifierFigures() throws Exception {
        try (var h = harness(List.of("holdout"), false)) {
            h.open();
            h.processElement(regression("a", 2, 3.0, 2.0), 0);
            h.processElement(regression("b", 3, 1.5, 1.0), 0);
            h.endInput();
        }

        JsonNode s = summary();
        assertThat(s.has("prequentialAccuracy")).isFalse();
        assertThat(s.path("prequentialLoss").asDouble()).isCloseTo(4.5 / 5, within(1e-12));
        JsonNode holdout = s.path("holdouts").path("holdout");
        assertThat(holdout.fieldNames()).toIterable().containsExactly("loss", "rmse", "mae");
        assertThat(holdout.path("rmse").path("mean").asDouble()).isCloseTo(1.5, within(1e-12));
        assertThat(holdout.path("rmse").path("worstDecile").asDouble()).isEqualTo(2.0);
        CsvTable table = CsvTable.read(dir().resolve(RunFolder.SOURCES));
        assertThat(table.numbers("holdoutRmse").orElseThrow()).containsExactly(2.0, 1.0);
        assertThat(table.numbers("prequentialLoss").orElseThrow()).containsExactly(1.5, 0.5);
        assertThat(table.strings("holdoutAccuracy").orElseThrow()).containsOnly("");
    }

    @Test
    void endInput_regression_sourcesHaveNoPrequentialAccuracy() throws Exception {
        try (var h = harness(List.of("holdout"), false)) {
            h.open();
            h.processElement(regression("a", 2, 3.0, 2.0), 0);
            h.endInput();
        }

        CsvTable table = CsvTable.read(dir().resolve(RunFolder.SOURCES));
        assertThat(table.strings("prequentialAccuracy").orElseThrow()).containsExactly("");
    }
}
