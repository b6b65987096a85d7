package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Section;
import org.fedflink.report.ReportData.Series;
import org.fedflink.report.ReportData.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {

    @TempDir
    Path tmp;

    // ---- a run with every file and column ----

    @Test
    void fullRun_hasEveryChart_andNoOmissionNotesButTheUnrecordedMetrics() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        assertThat(data.job()).isEqualTo("quickstart");
        assertThat(data.status()).isEqualTo("FINISHED");
        assertThat(data.mode()).isEqualTo("fedavg");
        assertThat(data.sections()).extracting(Section::id).containsExactly("model", "run", "sources");
        assertThat(charts(data).keySet()).containsExactlyInAnyOrder(
                "model-holdoutAccuracy", "model-holdoutLoss", "model-holdoutMacroF1",
                "model-holdouts-0-accuracy", "model-holdouts-0-loss", "model-holdouts-0-macroF1",
                "model-holdouts-1-accuracy", "model-holdouts-1-loss", "model-holdouts-1-macroF1",
                "model-prequential", "model-participation", "run-throughput", "sources-histogram");
        assertThat(data.sections().get(0).notes()).containsExactly(
                "not in metrics.csv, charts omitted: holdoutAuc, holdoutRmse, holdoutMae",
                "holdout 'early': no values in metrics.csv, charts omitted: auc, rmse, mae",
                "holdout 'late': no values in metrics.csv, charts omitted: auc, rmse, mae");
        assertThat(data.sections().get(1).notes()).isEmpty();
        assertThat(data.sections().get(2).notes()).isEmpty();
    }

    @Test
    void headline_statesFederatedVsBaseline_andRunCounts() throws Exception {
        Map<String, String> stats = headline(RunReader.read(RunFixture.fullRun(tmp, "quickstart")));
        assertThat(stats).containsEntry("holdout accuracy", "0.9185 (baseline 0.9195)")
                .containsEntry("holdout loss", "0.2329 (baseline 0.2310)")
                .containsEntry("prequential accuracy", "0.9405 (baseline 0.9146)")
                .containsEntry("examples", "200,000")
                .containsEntry("invalid", "167 (0.08%)")
                .containsEntry("sources", "30")
                .containsEntry("global version", "50 (50 rounds)")
                .containsEntry("wall time", "12.5 s")
                .containsEntry("examples/s", "16,000");
    }

    @Test
    void headline_statesEachNamedHoldoutAndTheTimeToAccuracy() throws Exception {
        Map<String, String> stats = headline(RunReader.read(RunFixture.fullRun(tmp, "quickstart")));
        assertThat(stats).containsEntry("holdout 'early' accuracy", "0.9101")
                .containsEntry("holdout 'late' accuracy", "0.7123")
                .containsEntry("time to 95% of final accuracy", "12,000 examples, 3.3 s")
                .containsEntry("time to 99% of final accuracy", "not reached");
    }

    @Test
    void headline_severalBaselines_eachBesideTheFederatedFigure() throws Exception {
        Path run = RunFixture.fullRun(tmp, "quickstart");
        // the list form: the centralized baseline and a second kind with figures of its own
        Files.writeString(run.resolve("summary.json"), """
                {"job": "quickstart", "status": "FINISHED", "mode": "fedavg",
                 "metrics": {"holdoutAccuracy": 0.9185, "holdoutLoss": 0.2329,
                             "holdouts": {"late": {"accuracy": 0.7123}}},
                 "timeToAccuracy": {"95": {"examples": 12000, "seconds": 3.25}, "99": {"examples": 40000, "seconds": 70}},
                 "baseline": {"mode": "centralized", "holdoutAccuracy": 0.9195},
                 "baselines": {
                   "centralized": {"mode": "centralized", "holdoutAccuracy": 0.9195, "holdoutLoss": 0.2310,
                                   "holdouts": {"late": {"accuracy": 0.7001}},
                                   "timeToAccuracy": {"95": {"examples": 8000, "seconds": 2.5}, "99": null}},
                   "local": {"mode": "local", "holdoutAccuracy": 0.8712, "sources": 20, "minHoldoutAccuracy": 0.61,
                             "worstDecileHoldoutAccuracy": 0.655}
                 }}
                """);

        Map<String, String> stats = headline(RunReader.read(run));
        assertThat(stats).containsEntry("holdout accuracy", "0.9185 (centralized 0.9195, local 0.8712)")
                .containsEntry("holdout loss", "0.2329 (centralized 0.2310)")
                .containsEntry("holdout 'late' accuracy", "0.7123 (centralized 0.7001)")
                .containsEntry("local baseline over 20 sources: worst source, worst 10 %", "0.6100, 0.6550")
                .containsEntry("time to 95% of final accuracy", "12,000 examples, 3.3 s (centralized 8,000 examples, 2.5 s)")
                .containsEntry("time to 99% of final accuracy", "40,000 examples, 1 min 10 s (centralized not reached)");
    }

    @Test
    void namedHoldoutChart_federatedAndBaselineOfThatHoldout() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        Chart primary = charts(data).get("model-holdoutAccuracy");
        Chart late = charts(data).get("model-holdouts-1-accuracy");
        assertThat(late.title()).isEqualTo("Holdout 'late' accuracy per global version");
        assertThat(late.x()).isEqualTo(primary.x());
        assertThat(late.series()).extracting(Series::label, Series::tone).containsExactly(
                org.assertj.core.groups.Tuple.tuple("federated", Series.FEDERATED),
                org.assertj.core.groups.Tuple.tuple("baseline", Series.BASELINE));
        // the fixture's 'late' holdout scores 0.2 below the primary one
        assertThat(late.series().get(0).y().get(3)).isCloseTo(primary.series().get(0).y().get(3) - 0.2, within(1e-6));
        assertThat(late.series().get(1).y().get(3)).isCloseTo(primary.series().get(1).y().get(3) - 0.2, within(1e-6));
    }

    @Test
    void holdoutChart_alignsFederatedAndBaselineByVersion_onScoredVersionsOnly() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        Chart accuracy = charts(data).get("model-holdoutAccuracy");
        // scored: version 1 and every 5th; the baseline has 48 versions, so its last is 45
        assertThat(accuracy.x()).containsExactly(1.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0);
        assertThat(accuracy.series()).extracting(Series::label).containsExactly("federated", "baseline");
        List<Double> fed = accuracy.series().get(0).y();
        List<Double> base = accuracy.series().get(1).y();
        assertThat(fed).doesNotContainNull();
        assertThat(base.get(base.size() - 1)).isNull();
        // the fixture writes acc = 0.6 + 0.3 (1 - e^(-v/10)) + offset, minus 0.01 on the holdout
        assertThat(fed.get(1)).isCloseTo(0.6 + 0.3 * (1 - Math.exp(-0.5)) - 0.01, within(1e-6));
        assertThat(base.get(1) - fed.get(1)).isCloseTo(0.01, within(1e-6));
    }

    @Test
    void prequentialChart_hasWindowedAndDashedCumulativeSeries_forBothModels() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        Chart preq = charts(data).get("model-prequential");
        assertThat(preq.x()).hasSize(RunFixture.VERSIONS);
        assertThat(preq.series()).extracting(Series::label, Series::tone, Series::dashed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("federated, window", Series.FEDERATED, false),
                org.assertj.core.groups.Tuple.tuple("federated, cumulative", Series.FEDERATED, true),
                org.assertj.core.groups.Tuple.tuple("baseline, window", Series.BASELINE, false),
                org.assertj.core.groups.Tuple.tuple("baseline, cumulative", Series.BASELINE, true));
    }

    @Test
    void prequentialChart_marksTheVersionsWhereTheGlobalDriftCountWentUp() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{}");
        Files.writeString(tmp.resolve("metrics.csv"), """
                version,prequentialAccuracy,globalDrifts
                1,0.50,0
                2,0.60,0
                3,0.40,1
                4,0.50,1
                5,0.55,3
                6,0.60,
                7,0.62,3
                """);

        ReportData data = RunReader.read(tmp);

        assertThat(charts(data).get("model-prequential").markers()).containsExactly(
                new ReportData.Marker(3, "global drift 1"), new ReportData.Marker(5, "global drifts 2 to 3"));
        assertThat(data.sections().get(0).notes()).contains(
                "prequential accuracy: the vertical lines mark the 2 global version(s) at which the server detected"
                        + " concept drift");
        // runs from before the column, or without a drift: no marks, no note
        assertThat(charts(RunReader.read(RunFixture.fullRun(tmp.resolve("full"), "quickstart")))
                .get("model-prequential").markers()).isEmpty();
    }

    @Test
    void participationChart_hasUpdatesAndSourcesPerRound() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        Chart rounds = charts(data).get("model-participation");
        assertThat(rounds.series()).extracting(Series::label)
                .containsExactly("updates in the round", "sources in the round");
        assertThat(rounds.series().get(0).y()).allMatch(v -> v >= 38 && v <= 42);
        assertThat(rounds.series().get(1).y()).allMatch(v -> v >= 15 && v <= 20);
    }

    // ---- a run with only today's files and columns ----

    @Test
    void minimalRun_omitsChartsOfAbsentFilesAndColumns_withOneLineNotes() throws Exception {
        ReportData data = RunReader.read(RunFixture.minimalRun(tmp, false));

        assertThat(charts(data).keySet())
                .containsExactlyInAnyOrder("model-holdoutAccuracy", "model-holdoutLoss", "model-prequential");
        Section model = data.sections().get(0);
        assertThat(model.notes()).containsExactly(
                "baseline series omitted: no baseline/metrics.csv",
                "not in metrics.csv, charts omitted: holdoutMacroF1, holdoutAuc, holdoutRmse, holdoutMae",
                "series 'federated, window' omitted: metrics.csv has no windowPrequentialAccuracy column",
                "round participation chart omitted: metrics.csv has no roundUpdates or roundSources values");
        assertThat(data.sections().get(1).notes()).containsExactly("examples/s chart omitted: no throughput.csv");
        assertThat(data.sections().get(2).notes())
                .containsExactly("per-source accuracy histogram omitted: no sources.csv");
        assertThat(allNotes(data)).allMatch(n -> !n.contains("\n"));
        // without a windowed series the cumulative one is drawn solid
        assertThat(charts(data).get("model-prequential").series()).extracting(Series::dashed).containsExactly(false);
    }

    @Test
    void metricsWithoutHoldoutColumns_omitTheirCharts() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{\"job\":\"j\"}");
        Files.writeString(tmp.resolve("metrics.csv"), "version,prequentialAccuracy,holdoutLoss\n1,0.5,\n2,0.6,\n");

        ReportData data = RunReader.read(tmp);

        assertThat(charts(data).keySet()).containsExactly("model-prequential");
        assertThat(data.sections().get(0).notes()).contains(
                "holdout accuracy chart omitted: metrics.csv has no holdoutAccuracy column",
                "holdout loss chart omitted: no version in metrics.csv has a holdoutLoss value");
        assertThat(data.status()).isEqualTo("unknown");
        assertThat(data.headline()).isEmpty();
    }

    @Test
    void baselineWithoutAColumn_omitsOnlyTheBaselineSeries() throws Exception {
        RunFixture.minimalRun(tmp, true);
        Files.writeString(tmp.resolve("baseline/metrics.csv"), "version,holdoutAccuracy\n1,0.5\n");

        ReportData data = RunReader.read(tmp);

        assertThat(charts(data).get("model-holdoutLoss").series()).extracting(Series::label)
                .containsExactly("federated");
        assertThat(charts(data).get("model-holdoutAccuracy").series()).extracting(Series::label)
                .containsExactly("federated", "baseline");
        assertThat(data.sections().get(0).notes())
                .contains("holdout loss: baseline series omitted: baseline/metrics.csv has no holdoutLoss column");
    }

    @Test
    void cellsThatAreNotNumbers_areNoValue_withANote() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{}");
        Files.writeString(tmp.resolve("metrics.csv"), "version,prequentialAccuracy\n1,0.5\n2,oops\n3,0.7\n");

        ReportData data = RunReader.read(tmp);

        assertThat(charts(data).get("model-prequential").x()).containsExactly(1.0, 3.0);
        assertThat(data.sections().get(0).notes()).contains("metrics.csv: 1 cell(s) that are not numbers shown as no value");
    }

    @Test
    void optionalCsvThatCannotBeParsed_omitsItsChart_withANote() throws Exception {
        RunFixture.minimalRun(tmp, false);
        Files.writeString(tmp.resolve("sources.csv"), "source,prequentialAccuracy\n\"cut off,0.5\n");

        ReportData data = RunReader.read(tmp);

        assertThat(data.sections().get(2).charts()).isEmpty();
        assertThat(data.sections().get(2).notes()).singleElement().asString()
                .startsWith("per-source accuracy histogram omitted: sources.csv is not readable as csv (")
                .doesNotContain("\n");
    }

    @Test
    void metricsWithoutVersionColumn_numbersTheRows() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{}");
        Files.writeString(tmp.resolve("metrics.csv"), "prequentialAccuracy\n0.5\n0.6\n0.7\n");

        ReportData data = RunReader.read(tmp);

        assertThat(charts(data).get("model-prequential").x()).containsExactly(1.0, 2.0, 3.0);
        assertThat(data.sections().get(0).notes()).contains("metrics.csv has no version column: rows are numbered instead");
    }

    @Test
    void longRuns_areThinnedToMaxPoints_withANote() throws Exception {
        int versions = 12_000;
        StringBuilder csv = new StringBuilder("version,prequentialAccuracy\n");
        for (int v = 1; v <= versions; v++) {
            csv.append(v).append(",0.5\n");
        }
        Files.writeString(tmp.resolve("summary.json"), "{}");
        Files.writeString(tmp.resolve("metrics.csv"), csv);

        ReportData data = RunReader.read(tmp);

        Chart preq = charts(data).get("model-prequential");
        assertThat(preq.x()).hasSizeLessThanOrEqualTo(LineCharts.MAX_POINTS);
        assertThat(preq.x().get(0)).isEqualTo(1.0);
        assertThat(preq.x().get(preq.x().size() - 1)).isEqualTo(versions);
        assertThat(data.sections().get(0).notes())
                .contains("prequential accuracy per global version: 1 in 3 of its 12,000 points shown");
    }

    // ---- sources ----

    @Test
    void sourcesSection_hasHistogramStatsAndWorstSourcesTable_withEveryColumn() throws Exception {
        ReportData data = RunReader.read(RunFixture.fullRun(tmp, "quickstart"));

        Section sources = data.sections().get(2);
        Map<String, String> stats = sources.stats().stream().collect(Collectors.toMap(Stat::label, Stat::value));
        assertThat(stats).containsEntry("worst 10% mean", "0.6000 (3 of 30 sources)")
                .containsEntry("sources with accuracy", "30");
        assertThat(sources.charts().get(0).kind()).isEqualTo(Chart.BARS);
        assertThat(sources.charts().get(0).title()).contains("worst 10% mean 0.6000");
        assertThat(sources.table().columns()).containsExactly("source", "samples", "prequentialAccuracy", "invalid");
        assertThat(sources.table().rows()).hasSize(SourcesSection.WORST_ROWS);
        assertThat(sources.table().rows().get(0)).containsExactly(RunFixture.HOSTILE_SOURCE, "5000", "0.550000", "0");
        assertThat(sources.table().rows().get(1).get(0)).isEqualTo("south, \"east\"");
    }

    @Test
    void sourcesWithoutAccuracyColumn_omitTheHistogram() throws Exception {
        RunFixture.minimalRun(tmp, false);
        Files.writeString(tmp.resolve("sources.csv"), "source,samples\na,1\n");

        ReportData data = RunReader.read(tmp);

        assertThat(data.sections().get(2).charts()).isEmpty();
        assertThat(data.sections().get(2).notes())
                .containsExactly("per-source accuracy histogram omitted: sources.csv has no prequentialAccuracy column");
    }

    // ---- multi-task runs ----

    @Test
    void multiTaskRun_hasOneSectionPerTask_inNameOrder() throws Exception {
        Files.writeString(tmp.resolve("summary.json"),
                "{\"job\":\"multi\",\"tasks\":{\"beta\":{\"metrics\":{\"holdoutAccuracy\":0.75}}}}");
        RunFixture.fullRun(tmp.resolve("tasks/beta"), "ignored");
        Files.delete(tmp.resolve("tasks/beta/summary.json"));
        RunFixture.minimalRun(tmp.resolve("tasks/alpha"), true);
        Files.createDirectories(tmp.resolve("tasks/gamma"));

        ReportData data = RunReader.read(tmp);

        assertThat(data.sections()).extracting(Section::id, Section::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple("task0", "Task alpha"),
                org.assertj.core.groups.Tuple.tuple("task1", "Task beta"),
                org.assertj.core.groups.Tuple.tuple("task2", "Task gamma"),
                org.assertj.core.groups.Tuple.tuple("run", "Throughput"));
        // alpha: its own summary.json; beta: its entry in the run's summary
        assertThat(data.sections().get(0).stats()).contains(new Stat("holdout accuracy", "0.9185 (baseline 0.9195)"));
        assertThat(data.sections().get(1).stats()).contains(new Stat("holdout accuracy", "0.7500"));
        // beta's own sources.csv joins its section (and no run-wide "no sources.csv" note is added)
        assertThat(charts(data)).containsKeys("task0-holdoutAccuracy", "task1-holdoutAccuracy",
                "task1-sources-histogram", "task1-participation");
        assertThat(data.sections().get(1).table()).isNotNull();
        assertThat(data.sections().get(2).notes()).containsExactly("all charts omitted: no tasks/gamma/metrics.csv");
    }

    // ---- not a run folder ----

    @Test
    void folderWithoutSummaryOrMetrics_orMissing_isAReportException() throws Exception {
        assertThatThrownBy(() -> RunReader.read(tmp.resolve("absent")))
                .isInstanceOf(ReportException.class)
                .hasMessage("run folder '" + tmp.resolve("absent") + "' does not exist");
        assertThatThrownBy(() -> RunReader.read(tmp))
                .isInstanceOf(ReportException.class)
                .hasMessage("run folder '" + tmp + "' has no summary.json");
        Files.writeString(tmp.resolve("summary.json"), "{}");
        assertThatThrownBy(() -> RunReader.read(tmp))
                .isInstanceOf(ReportException.class)
                .hasMessage("run folder '" + tmp + "' has no metrics.csv");
        Files.createDirectories(tmp.resolve("tasks/a"));
        assertThatThrownBy(() -> RunReader.read(tmp))
                .hasMessage("run folder '" + tmp + "' has no metrics.csv (nor tasks/<name>/metrics.csv)");
    }

    @Test
    void summaryThatIsNotJson_isAOneLineReportException() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{\"job\": ");
        Files.writeString(tmp.resolve("metrics.csv"), "version\n1\n");

        assertThatThrownBy(() -> RunReader.read(tmp))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("summary.json in '" + tmp + "' is not valid json: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.writeString(tmp.resolve("summary.json"), "[1]");
        assertThatThrownBy(() -> RunReader.read(tmp)).hasMessage("summary.json in '" + tmp + "' is not a json object");
    }

    /** The headline's key numbers by label. */
    private static Map<String, String> headline(ReportData data) {
        return data.headline().stream().collect(Collectors.toMap(Stat::label, Stat::value));
    }

    private static Map<String, Chart> charts(ReportData data) {
        return data.sections().stream().flatMap(s -> s.charts().stream())
                .collect(Collectors.toMap(Chart::id, Function.identity()));
    }

    private static List<String> allNotes(ReportData data) {
        return data.sections().stream().flatMap(s -> s.notes().stream()).toList();
    }
}
