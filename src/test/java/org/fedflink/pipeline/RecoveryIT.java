package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.runner.LocalRunner;
import org.fedflink.runner.ProgressProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures and restarts of whole jobs on an embedded MiniCluster with RocksDB: nothing lost or
 * counted twice after a TaskManager dies, and versions continue after stop-with-savepoint.
 */
class RecoveryIT {

    /**
     * The cluster the runs of this class share ({@link SharedCluster}): 2 trainers. The runs that
     * kill the TaskManager start a cluster of their own.
     */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(2);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    /** A job slow enough (rate-limited) to be interrupted while it runs. */
    private static JobSpec slowJob(String... extra) throws Exception {
        List<String> overrides = new java.util.ArrayList<>(List.of(
                "input.generator.examples=40000",
                "input.generator.ratePerSecond=8000",
                "input.generator.corruptFraction=0.005",
                "evaluation.baseline=none",
                "checkpoint.intervalMillis=300"));
        overrides.addAll(List.of(extra));
        return FederatedLoopIT.quickstart(overrides.toArray(new String[0]));
    }

    /** Read by readers, or by the trainers themselves ({@code input.readBy}): the guarantees are the same. */
    @ParameterizedTest(name = "input.readBy={0}")
    @ValueSource(strings = {"readers", "trainers"})
    void taskManagerKilledAfterACheckpoint_jobRecoversAndFoldsEveryValidExampleOnce(String readBy)
            throws Exception {
        JobSpec spec = slowJob("output.predictions=true", "input.readBy=" + readBy);
        Path out = tmp.resolve("failover");
        JsonNode summary;
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out)
                .withOverrides(java.util.Map.of("restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "3",
                        "restart-strategy.fixed-delay.delay", "500 ms")))) {
            FederatedLoopIT.awaitCompletedCheckpoint(out);
            Thread.sleep(500); // let more examples and versions pass the checkpoint
            runner.cluster().terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            runner.cluster().startTaskManager();
            summary = runner.awaitSummary().json();
        }
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(40000);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(Files.readAllLines(out.resolve(RunFolder.DEAD_LETTER))).hasSize(summary.path("invalid").asInt());
        // one prediction per valid example, none lost or repeated by the restart
        assertThat((long) Files.readAllLines(out.resolve(RunFolder.PREDICTIONS)).size()).isEqualTo(valid);
        List<Long> versions = FederatedLoopIT.metricVersions(out);
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        assertThat(Files.readString(tmp.resolve("failover").resolve("summary.json"))).contains("FINISHED");
    }

    /**
     * The progress line through a restart: the ingest's gauge of records read since the job began
     * carries the restored count into the new attempt (where Flink's counter starts again at 0), and
     * the line never shows fewer examples than before, nor more than the input holds.
     */
    @ParameterizedTest(name = "input.readBy={0}")
    @ValueSource(strings = {"readers", "trainers"})
    void taskManagerKilledAfterACheckpoint_progressCountsOnFromTheRestoredCount(String readBy) throws Exception {
        JobSpec spec = slowJob("input.readBy=" + readBy);
        Path out = tmp.resolve("progress");
        java.util.Map<String, String> flink = java.util.Map.of("restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.attempts", "3", "restart-strategy.fixed-delay.delay", "500 ms",
                "metrics.fetcher.update-interval", "200");
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out).withOverrides(flink))) {
            ProgressProbe probe = new ProgressProbe(runner::webUi, runner.jobId(), out, java.util.Map.of("", out),
                    System.currentTimeMillis());
            // a count read from the job, then a checkpoint surely taken after it: the restore keeps at least that.
            // Checkpoints do not overlap, so the one two past the newest completed one starts after this line.
            long before = awaitRead(probe, 4_000);
            awaitCheckpoint(out, latestCheckpoint(out) + 2);
            probe.sample();
            long shownBefore = probe.examplesShown();

            runner.cluster().terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            runner.cluster().startTaskManager();
            List<long[]> restarted = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Long> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    java.util.Map<String, Long> m = probe.ingestMetrics(ProgressProbe.READ_TOTAL, ProgressProbe.READ_ATTEMPT);
                    Long total = m.get(ProgressProbe.READ_TOTAL);
                    Long attempt = m.get(ProgressProbe.READ_ATTEMPT);
                    // the new attempt: its counter started at 0, its total at the restored count
                    if (total != null && attempt != null && total - attempt >= 1_000) {
                        restarted.add(new long[] {total, attempt});
                    }
                    probe.sample();
                    shown.add(probe.examplesShown());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "progress sampler");
            sampler.start();
            JsonNode summary = runner.awaitSummary().json();
            done.set(true);
            sampler.join();

            assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
            assertThat(restarted).as("samples of the restarted attempt").isNotEmpty()
                    .allSatisfy(s -> assertThat(s[0]).isGreaterThanOrEqualTo(before));
            assertThat(shown).isSorted().allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(shownBefore)
                    .isLessThanOrEqualTo(40_000));
            System.out.printf("progress through a restart: %d read before, restarted attempt (total, counter) %s%n",
                    before, restarted.stream().map(java.util.Arrays::toString).toList());
        }
    }

    /** Polls the ingest's total until it reaches {@code at least} and returns it. */
    private static long awaitRead(ProgressProbe probe, long atLeast) throws Exception {
        for (int i = 0; i < 600; i++) {
            Long total = probe.ingestMetrics(ProgressProbe.READ_TOTAL).get(ProgressProbe.READ_TOTAL);
            if (total != null && total >= atLeast) {
                return total;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job did not read " + atLeast + " records within 60 s");
    }

    /** The number of the newest completed checkpoint in the run folder, 0 when none. */
    private static long latestCheckpoint(Path out) throws Exception {
        try (java.util.stream.Stream<Path> files = Files.walk(out.resolve("checkpoints"))) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(p -> p.getParent().getFileName().toString())
                    .filter(n -> n.startsWith("chk-"))
                    .mapToLong(n -> Long.parseLong(n.substring(4)))
                    .max().orElse(0);
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return 0; // a checkpoint folder removed while listed, or none yet
        }
    }

    /** Waits until the checkpoint numbered {@code number}, or a later one, has completed. */
    private static void awaitCheckpoint(Path out, long number) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (latestCheckpoint(out) >= number) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("checkpoint " + number + " did not complete within 60 s");
    }

    @ParameterizedTest(name = "input.readBy={0}")
    @ValueSource(strings = {"readers", "trainers"})
    void stopWithSavepointThenRestoreAtAnotherParallelism_versionsContinueAndNoSampleIsCountedTwice(
            String readBy) throws Exception {
        String reads = "input.readBy=" + readBy;
        JobSpec spec = slowJob(reads);
        Path out = tmp.resolve("savepoint");
        String savepoint;
        long stoppedAt;
        try (LocalRunner runner = LocalRunner.startOn(cluster, spec, LocalRunner.Options.defaults(out))) {
            FederatedLoopIT.awaitCompletedCheckpoint(out);
            // a version must be out before the stop: a checkpoint alone can come before the first round
            FederatedLoopIT.awaitVersion(out, 3);
            FederatedLoopIT.awaitCompletedCheckpoint(out);
            savepoint = runner.stopWithSavepoint(out.resolve("savepoints"));
            JsonNode first = runner.awaitSummary().json();
            assertThat(first.path("status").asText()).isEqualTo("STOPPED");
            stoppedAt = first.path("globalVersion").asLong();
            assertThat(first.path("examples").asLong()).isLessThan(40000);
        }
        assertThat(stoppedAt).isPositive();

        // the aggregator state's layout is the shard count: a change is refused before the job starts
        JobSpec twoShards = slowJob(reads, "aggregation.shards=2");
        assertThatThrownBy(() -> LocalRunner.runOn(cluster, twoShards,
                        LocalRunner.Options.defaults(tmp.resolve("refused")).withRestoreFrom(savepoint)))
                .isInstanceOf(org.fedflink.config.JobSpecException.class)
                .hasMessageContaining("aggregation.shards is 2 but savepoint")
                .hasMessageContaining("in 1 shard(s)");

        // the input read otherwise than when the savepoint was taken would be read again from its start
        String other = readBy.equals("readers") ? "trainers" : "readers";
        JobSpec otherReading = slowJob("input.readBy=" + other);
        assertThatThrownBy(() -> LocalRunner.runOn(cluster, otherReading,
                        LocalRunner.Options.defaults(tmp.resolve("refused-reading")).withRestoreFrom(savepoint)))
                .isInstanceOf(org.fedflink.config.JobSpecException.class)
                .hasMessageContaining("input.readBy is " + other + " but savepoint")
                .hasMessageContaining("resume with --set input.readBy=" + readBy + " or auto");

        // the trainers' keyed state is redistributed: resume on one trainer instead of two
        // (and input.readBy auto reads as the savepoint was taken, whichever reading that was)
        JobSpec rescaled = slowJob("input.readBy=auto", "trainer.parallelism=1");
        LocalRunner.Options resumed = LocalRunner.Options.defaults(out).withRestoreFrom(savepoint);
        JsonNode summary = LocalRunner.runOn(cluster, rescaled, resumed).json();
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(40000);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(summary.path("globalVersion").asLong()).isGreaterThan(stoppedAt);
        List<Long> versions = FederatedLoopIT.metricVersions(out);
        assertThat(versions).isSorted().doesNotHaveDuplicates().contains(stoppedAt, stoppedAt + 1);
    }
}
