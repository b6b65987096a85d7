package org.fedflink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.fedflink.runner.ProgressProbe.Latest;
import org.fedflink.runner.ProgressProbe.ReadCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressProbeTest {

    @TempDir
    Path tmp;

    @Test
    void observe_restoreRollsTheTotalBack_figureNeverFallsAndTheRateMovesWithIt() {
        ReadCount count = new ReadCount(0);

        assertThat(count.observe(2_000, 10_000)).isEqualTo(new ReadCount.Reading(10_000, 5_000));
        assertThat(count.observe(4_000, 30_000)).isEqualTo(new ReadCount.Reading(30_000, 10_000));
        // the job restarts from a checkpoint taken at 25,000 and reads again what came after it
        assertThat(count.observe(6_000, 25_000)).isEqualTo(new ReadCount.Reading(30_000, 0));
        assertThat(count.observe(8_000, 29_000)).isEqualTo(new ReadCount.Reading(30_000, 0));
        // past the old figure, it moves again, at the rate of the figure shown
        assertThat(count.observe(10_000, 40_000)).isEqualTo(new ReadCount.Reading(40_000, 5_000));
        assertThat(count.shown()).isEqualTo(40_000);
    }

    @Test
    void observe_theSameSnapshotAgain_keepsTheRateUntilItIsStale_andTheNextRateCoversTheGap() {
        ReadCount count = new ReadCount(0);
        assertThat(count.observe(2_000, 10_000)).isEqualTo(new ReadCount.Reading(10_000, 5_000));
        // REST answered from the same metrics snapshot: the job did not stop
        assertThat(count.observe(4_000, 10_000)).isEqualTo(new ReadCount.Reading(10_000, 5_000));
        assertThat(count.observe(6_000, 30_000)).isEqualTo(new ReadCount.Reading(30_000, 5_000));
        // a total that stands for longer than a snapshot lasts: the job stands still
        count.observe(8_000, 30_000);
        assertThat(count.observe(6_000 + ReadCount.STALE_MILLIS, 30_000)).isEqualTo(new ReadCount.Reading(30_000, 0));
    }

    @Test
    void observe_unknownTotal_figureStandsAndTheNextRateCoversTheGap() {
        ReadCount count = new ReadCount(0);
        count.observe(1_000, 1_000);

        // no JobManager answers (a failover): nothing known for 4 s
        assertThat(count.observe(3_000, -1)).isEqualTo(new ReadCount.Reading(1_000, 0));
        assertThat(count.observe(5_000, -1)).isEqualTo(new ReadCount.Reading(1_000, 0));
        ReadCount.Reading after = count.observe(6_000, 11_000);

        assertThat(after.count()).isEqualTo(11_000);
        assertThat(after.perSecond()).isCloseTo(2_000, within(1e-9)); // 10,000 over the 5 s since the last known total
    }

    @Test
    void latest_lastRowsNotScored_showsTheNewestScoredVersion() throws Exception {
        // what the model writer writes with evaluation.intervalMillis: most versions unscored
        Path file = Files.writeString(tmp.resolve("metrics.csv"), """
                version,createdMillis,samplesInModel,holdoutAccuracy,holdoutLoss,holdoutRmse
                1,1000,100,0.512300,0.9,
                2,1100,200,,,
                3,1200,300,0.701249,0.7,
                4,1300,400,,,
                5,1400,500,,,
                """);

        Latest latest = Latest.read(file);

        assertThat(latest).isEqualTo(new Latest("5", "3", "accuracy", "0.701249"));
        assertThat(latest.describe()).isEqualTo("v5 holdout accuracy 0.7012 (v3)");
    }

    @Test
    void latest_halfWrittenLastLine_isNotRead() throws Exception {
        Path file = Files.writeString(tmp.resolve("metrics.csv"),
                "version,holdoutAccuracy\n1,0.500000\n2,0.600000\n3,0.7");

        assertThat(Latest.read(file).describe()).isEqualTo("v2 holdout accuracy 0.6000");
    }

    @Test
    void latest_regression_showsTheRmse() throws Exception {
        Path file = Files.writeString(tmp.resolve("metrics.csv"),
                "version,holdoutAccuracy,holdoutRmse\n1,,1.250000\n2,,\n");

        assertThat(Latest.read(file).describe()).isEqualTo("v2 holdout RMSE 1.2500 (v1)");
    }

    @Test
    void latest_scoredVersionBeforeTheTail_isFoundInTheWholeFile() throws Exception {
        StringBuilder csv = new StringBuilder("version,holdoutAccuracy\n1,0.812345\n");
        int rows = ProgressProbe.TAIL_BYTES / 8 + 10; // unscored rows fill more than the tail
        for (int v = 2; v <= rows; v++) {
            csv.append(v).append(",\n");
        }
        Path file = Files.writeString(tmp.resolve("metrics.csv"), csv);

        assertThat(Latest.read(file)).isEqualTo(new Latest(Integer.toString(rows), "1", "accuracy", "0.812345"));
    }

    @Test
    void latest_noFileOrNoVersionYet_showsDashes() throws Exception {
        assertThat(Latest.read(tmp.resolve("absent.csv")).describe()).isEqualTo("- holdout accuracy -");
        Path header = Files.writeString(tmp.resolve("metrics.csv"), "version,holdoutAccuracy\n");
        assertThat(Latest.read(header).describe()).isEqualTo("- holdout accuracy -");
    }

    @Test
    void sample_noRestApi_showsWhatTheRunFolderSays() throws Exception {
        Files.writeString(tmp.resolve("metrics.csv"), "version,holdoutAccuracy\n1,0.500000\n2,\n");
        ProgressProbe probe = new ProgressProbe(() -> java.net.URI.create("http://127.0.0.1:1"), new JobID(), tmp,
                Map.of("", tmp), System.currentTimeMillis());

        String line = probe.sample();

        assertThat(line).contains("examples read 0 (0/s)").endsWith("global v2 holdout accuracy 0.5000 (v1)");
        assertThat(tmp.resolve(ProgressProbe.THROUGHPUT_FILE)).doesNotExist(); // nothing known, nothing sampled
    }
}
