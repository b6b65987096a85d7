package org.fedflink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.DistinctCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary of a hand-made run folder: its fields and the lines printed at the end of a run. */
class RunSummaryTest {

    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A finished binary run: final accuracy 0.9, named holdout 'late', a centralized baseline. */
    private Path binaryRun() throws Exception {
        Path run = tmp.resolve("binary");
        write(run.resolve("counts/ingest-0.json"), "{\"read\": 1000, \"invalid\": 2, \"sources\": [\"a\", \"b\"]}");
        write(run.resolve("models/latest.json"), """
                {"version": 4, "rounds": 4, "samplesInModel": 998, "final": true, "params": "v00000004.f32",
                 "metrics": {"holdoutExamples": 200, "holdoutAccuracy": 0.9, "holdoutLoss": 0.25, "holdoutLogLoss": 0.25,
                             "holdoutMacroF1": 0.89, "holdoutAuc": 0.95, "holdoutRmse": null, "holdoutMae": null,
                             "prequentialAccuracy": 0.85, "prequentialLoss": 0.3,
                             "holdouts": {"late": {"examples": 100, "accuracy": 0.6, "loss": 0.7, "macroF1": 0.55,
                                                   "auc": 0.62, "rmse": null, "mae": null, "logLoss": 0.7}}}}
                """);
        write(run.resolve("metrics.csv"), """
                version,createdMillis,samplesInModel,holdoutAccuracy,holdout.late.accuracy
                1,%d,250,0.600000,0.500000
                2,%d,500,,
                3,%d,750,0.870000,0.550000
                4,%d,998,0.900000,0.600000
                """.formatted(START + 1_000, START + 2_000, START + 3_000, START + 4_000));
        write(run.resolve("baseline/models/latest.json"), """
                {"version": 4, "samplesInModel": 998, "params": "v00000004.f32",
                 "metrics": {"holdoutAccuracy": 0.92, "holdoutLogLoss": 0.2, "holdoutAuc": 0.96,
                             "prequentialAccuracy": 0.88,
                             "holdouts": {"late": {"examples": 100, "accuracy": 0.58, "logLoss": 0.8}}}}
                """);
        write(run.resolve("baseline/metrics.csv"), """
                version,createdMillis,samplesInModel,holdoutAccuracy
                1,%d,250,0.910000
                2,%d,500,0.920000
                """.formatted(START + 500, START + 1_500));
        write(run.resolve("baseline-local/summary.json"), """
                {"sources": 2, "examples": 998, "prequentialAccuracy": 0.93, "prequentialLoss": 0.2,
                 "holdouts": {
                   "holdout": {"accuracy": {"mean": 0.8, "min": 0.7, "max": 0.9, "worstDecile": 0.7},
                               "loss": {"mean": 0.4, "min": 0.3, "max": 0.5, "worstDecile": 0.5},
                               "auc": {"mean": 0.85, "min": 0.8, "max": 0.9, "worstDecile": 0.8}},
                   "late": {"accuracy": {"mean": 0.65, "min": 0.6, "max": 0.7, "worstDecile": 0.6}}}}
                """);
        return run;
    }

    private static JobSpec spec(String... overrides) throws Exception {
        return JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(overrides));
    }

    @Test
    void collect_sourcesOfSeveralIngestSubtasks_countsTheirUnion_sketchedBeyondTheExactLimit() throws Exception {
        Path run = binaryRun();
        // subtask 0 saw sources 0-29,999 (a sketch), subtask 1 sources 20,000-49,999 and "extra"
        for (int subtask = 0; subtask < 2; subtask++) {
            DistinctCount seen = new DistinctCount();
            for (int i = subtask * 20_000; i < subtask * 20_000 + 30_000; i++) {
                seen.add("source-" + i);
            }
            DistinctCount.State state = seen.toState();
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("read", 30_000);
            counts.put("invalid", 0);
            counts.put("sources", subtask == 1 ? new String[] {"extra"} : state.names());
            counts.put("sourceSketch", state.sketch());
            new ObjectMapper().writeValue(run.resolve("counts/ingest-" + subtask + ".json").toFile(), counts);
        }

        JsonNode s = RunSummary.collect(spec(), run, "FINISHED", START, 5_000, null).json();

        assertThat(s.path("examples").asLong()).isEqualTo(60_000);
        // 50,001 distinct: the sketch's 0.8 % standard error, 2 % allowed
        assertThat(s.path("sources").asDouble()).isCloseTo(50_001, within(1_000.0));
    }

    @Test
    void collect_binaryRun_reportsNamedHoldoutsTimeToAccuracyAndTheBaselines() throws Exception {
        Path run = binaryRun();

        JsonNode s = RunSummary.collect(spec(), run, "FINISHED", START, 5_000, null).json();

        assertThat(s.path("metrics").path("holdoutAuc").asDouble()).isEqualTo(0.95);
        assertThat(s.path("metrics").path("holdouts").path("late").path("accuracy").asDouble()).isEqualTo(0.6);
        // 95 % of 0.9 = 0.855: first reached by version 3; 99 % = 0.891: by version 4
        assertThat(s.path("timeToAccuracy").path("95").path("examples").asLong()).isEqualTo(750);
        assertThat(s.path("timeToAccuracy").path("95").path("seconds").asDouble()).isEqualTo(3.0);
        assertThat(s.path("timeToAccuracy").path("99").path("examples").asLong()).isEqualTo(998);
        // the one-baseline form as it was, and the list of baselines
        assertThat(s.path("baseline").path("holdoutAccuracy").asDouble()).isEqualTo(0.92);
        assertThat(s.path("baseline").has("timeToAccuracy")).isFalse();
        assertThat(s.path("baselines").fieldNames()).toIterable().containsExactly("centralized", "local");
        JsonNode centralized = s.path("baselines").path("centralized");
        assertThat(centralized.path("holdoutAccuracy").asDouble()).isEqualTo(0.92);
        assertThat(centralized.path("samplesInModel").asLong()).isEqualTo(998);
        assertThat(centralized.path("holdouts").path("late").path("accuracy").asDouble()).isEqualTo(0.58);
        assertThat(centralized.path("timeToAccuracy").path("95").path("examples").asLong()).isEqualTo(250);
        assertThat(centralized.path("timeToAccuracy").path("95").path("seconds").asDouble()).isEqualTo(0.5);
        // the local-only baseline: means over the sources' own models, the worst source and decile
        JsonNode local = s.path("baselines").path("local");
        assertThat(local.path("sources").asLong()).isEqualTo(2);
        assertThat(local.path("holdoutAccuracy").asDouble()).isEqualTo(0.8);
        assertThat(local.path("holdoutLogLoss").asDouble()).isEqualTo(0.4);
        assertThat(local.path("holdoutAuc").asDouble()).isEqualTo(0.85);
        assertThat(local.path("minHoldoutAccuracy").asDouble()).isEqualTo(0.7);
        assertThat(local.path("worstDecileHoldoutAccuracy").asDouble()).isEqualTo(0.7);
        assertThat(local.path("holdouts").path("late").path("accuracy").asDouble()).isEqualTo(0.65);
        assertThat(local.path("perSource").path("late").path("accuracy").path("min").asDouble()).isEqualTo(0.6);
    }

    @Test
    void describe_binaryRun_showsTheAucTheNamedHoldoutAndEveryBaseline() throws Exception {
        String text = RunSummary.collect(spec(), binaryRun(), "FINISHED", START, 5_000, null).describe();

        assertThat(text).contains(
                "  holdout accuracy 0.9000, log loss 0.2500, AUC 0.9500; prequential accuracy 0.8500\n",
                "  holdout 'late': accuracy 0.6000, log loss 0.7000, AUC 0.6200\n",
                "  95 % of the final holdout accuracy after 750 examples (3.0 s), 99 % after 998 examples (4.0 s)\n",
                "  centralized baseline: holdout accuracy 0.9200, log loss 0.2000, AUC 0.9600\n",
                "    holdout 'late': accuracy 0.5800, log loss 0.8000\n",
                "    95 % of the final holdout accuracy after 250 examples (0.5 s), 99 % after 500 examples (1.5 s)\n",
                "  local baseline (mean of 2 sources' own models): holdout accuracy 0.8000, log loss 0.4000, AUC 0.8500,"
                        + " worst source 0.7000, worst 10% of sources 0.7000\n",
                "    holdout 'late': accuracy 0.6500\n");
    }

    @Test
    void collect_driftsCsv_countsTheServersAndTheSourcesDetections() throws Exception {
        Path run = binaryRun();
        JsonNode none = RunSummary.collect(spec(), run, "FINISHED", START, 5_000, null).json();
        // no drifts.csv (drift.detector none) and no count in the metadata: nothing detected
        assertThat(none.path("drifts").path("global").asLong()).isZero();
        assertThat(none.path("drifts").path("sources").asLong()).isZero();

        String latest = Files.readString(run.resolve("models/latest.json"));
        write(run.resolve("models/latest.json"), latest.replace("\"holdoutExamples\": 200,",
                "\"holdoutExamples\": 200, \"globalDrifts\": 2,"));
        // a data source may be called "global": rows of that name beyond the server's count are a source's
        write(run.resolve("drifts.csv"), """
                time,version,source,detector,statistic
                1700000000100,1,a,adwin,0.150000
                1700000000200,2,global,adwin,0.120000
                1700000000300,2,"b,c",adwin,0.200000
                1700000000400,3,global,adwin,0.110000
                1700000000500,3,global,adwin,0.300000
                """);
        RunSummary summary = RunSummary.collect(spec(), run, "FINISHED", START, 5_000, null);

        assertThat(summary.json().path("drifts").path("global").asLong()).isEqualTo(2);
        assertThat(summary.json().path("drifts").path("sources").asLong()).isEqualTo(3);
        assertThat(summary.describe()).contains("  concept drift detected 2 times by the server, 3 times by sources\n");
        Files.delete(run.resolve("drifts.csv"));
        assertThat(RunSummary.collect(spec(), binaryRun(), "FINISHED", START, 5_000, null).describe())
                .doesNotContain("concept drift");
    }

    @Test
    void describe_regressionRun_showsRmseAndMaeInsteadOfAccuracy() throws Exception {
        Path run = tmp.resolve("linear");
        write(run.resolve("models/latest.json"), """
                {"version": 2, "rounds": 2, "samplesInModel": 100,
                 "metrics": {"holdoutExamples": 50, "holdoutAccuracy": null, "holdoutLoss": 0.5, "holdoutLogLoss": null,
                             "holdoutMacroF1": null, "holdoutAuc": null, "holdoutRmse": 1.25, "holdoutMae": 0.75,
                             "prequentialAccuracy": null, "prequentialLoss": 0.6}}
                """);
        write(run.resolve("metrics.csv"), "version,createdMillis,samplesInModel,holdoutAccuracy,holdoutRmse\n"
                + "1," + (START + 10) + ",50,,1.4\n2," + (START + 20) + ",100,,1.25\n");

        RunSummary summary = RunSummary.collect(spec("model.type=linear"), run, "FINISHED", START, 1_000, null);

        assertThat(summary.describe()).contains("  holdout RMSE 1.2500, MAE 0.7500; prequential loss 0.6000\n")
                .doesNotContain("accuracy").doesNotContain("AUC");
        assertThat(summary.json().path("timeToAccuracy").path("95").isNull()).isTrue();
        assertThat(summary.json().path("timeToAccuracy").path("99").isNull()).isTrue();
    }
}
