package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedflink.config.JobSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures and restarts of whole jobs on an embedded MiniCluster with RocksDB: nothing lost or
 * counted twice after a TaskManager dies, and versions continue after stop-with-savepoint.
 */
class RecoveryITCase {

    @TempDir
    Path tmp;

    /** A job slow enough (rate-limited) to be interrupted while it runs. */
    private static JobSpec slowJob(String... extra) throws Exception {
        List<String> overrides = new java.util.ArrayList<>(List.of(
                "input.generator.examples=40000",
                "input.generator.ratePerSecond=8000",
                "input.generator.corruptFraction=0.005",
                "evaluation.baseline=none",
                "checkpoint.intervalMillis=300"));
        overrides.addAll(List.of(extra));
        return FederatedLoopITCase.quickstart(overrides.toArray(new String[0]));
    }

    @Test
    void taskManagerKilledAfterACheckpoint_jobRecoversAndFoldsEveryValidExampleOnce() throws Exception {
        JobSpec spec = slowJob("output.predictions=true");
        Path out = tmp.resolve("failover");
        JsonNode summary;
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out)
                .withOverrides(java.util.Map.of("restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "3",
                        "restart-strategy.fixed-delay.delay", "500 ms")))) {
            FederatedLoopITCase.awaitCompletedCheckpoint(out);
            Thread.sleep(500); // let more examples and versions pass the checkpoint
            runner.cluster().terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            runner.cluster().startTaskManager();
            summary = runner.awaitSummary().json();
        }
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(40000);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(Files.readAllLines(out.resolve(FedJob.DEAD_LETTER_FILE))).hasSize(summary.path("invalid").asInt());
        // one prediction per valid example, none lost or repeated by the restart
        assertThat((long) Files.readAllLines(out.resolve(FedJob.PREDICTIONS_FILE)).size()).isEqualTo(valid);
        List<Long> versions = FederatedLoopITCase.metricVersions(out);
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        assertThat(Files.readString(tmp.resolve("failover").resolve("summary.json"))).contains("FINISHED");
    }

    @Test
    void stopWithSavepointThenRestoreAtAnotherParallelism_versionsContinueAndNoSampleIsCountedTwice() throws Exception {
        JobSpec spec = slowJob();
        Path out = tmp.resolve("savepoint");
        String savepoint;
        long stoppedAt;
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out))) {
            FederatedLoopITCase.awaitCompletedCheckpoint(out);
            // a version must be out before the stop: a checkpoint alone can come before the first round
            FederatedLoopITCase.awaitVersion(out, 3);
            FederatedLoopITCase.awaitCompletedCheckpoint(out);
            savepoint = runner.stopWithSavepoint(out.resolve("savepoints"));
            JsonNode first = runner.awaitSummary().json();
            assertThat(first.path("status").asText()).isEqualTo("STOPPED");
            stoppedAt = first.path("globalVersion").asLong();
            assertThat(first.path("examples").asLong()).isLessThan(40000);
        }
        assertThat(stoppedAt).isPositive();

        // the aggregator state's layout is the shard count: a change is refused before the job starts
        JobSpec twoShards = slowJob("aggregation.shards=2");
        assertThatThrownBy(() -> LocalRunner.run(twoShards, LocalRunner.Options.defaults(tmp.resolve("refused"))
                        .withRestoreFrom(savepoint)))
                .isInstanceOf(org.fedflink.config.JobSpecException.class)
                .hasMessageContaining("aggregation.shards is 2 but savepoint")
                .hasMessageContaining("in 1 shard(s)");

        // the trainers' keyed state is redistributed: resume on one trainer instead of two
        JobSpec rescaled = slowJob("trainer.parallelism=1");
        JsonNode summary = LocalRunner.run(rescaled, LocalRunner.Options.defaults(out).withRestoreFrom(savepoint)).json();
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(40000);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(summary.path("globalVersion").asLong()).isGreaterThan(stoppedAt);
        List<Long> versions = FederatedLoopITCase.metricVersions(out);
        assertThat(versions).isSorted().doesNotHaveDuplicates().contains(stoppedAt, stoppedAt + 1);
    }
}
