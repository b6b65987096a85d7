package org.fedflink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quickstart job on a real standalone cluster: a JobManager and two TaskManagers as separate
 * JVMs, started, driven and stopped with {@code bin/fedflink} (and Flink's own CLI, {@code bin/flink}).
 * The learning loop's feedback edge is an in-JVM hand-off between co-located subtasks, so these
 * runs also show it works when the job's subtasks are spread over two TaskManager processes.
 */
class StandaloneClusterIT {

    /** 60,000 examples at 5,000/s: long enough (~12 s of input) to be stopped or hit mid-run. */
    private static final List<String> SLOW_JOB = List.of(
            "--set", "input.generator.examples=60000",
            "--set", "input.generator.ratePerSecond=5000",
            "--set", "evaluation.baseline=none",
            "--set", "checkpoint.intervalMillis=500",
            "--quiet");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    private static ClusterScript cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ClusterScript("standalone");
        String out = cluster.start("--taskmanagers", "2").assertOk().out();
        System.out.println("[standalone] " + out.lines().reduce((a, b) -> b).orElse(""));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stopAll();
        }
    }

    private static String[] submit(String command, Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "jobs/quickstart.yaml"));
        args.addAll(SLOW_JOB);
        if (run != null) {
            args.addAll(List.of("--out", run.toString()));
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Waits until the run has a completed checkpoint and at least {@code versions} global versions. */
    private static void awaitProgress(Path run, int versions) throws Exception {
        ClusterScript.await(Duration.ofMinutes(2), "a checkpoint and " + versions + " versions in " + run,
                () -> ClusterScript.hasCompletedCheckpoint(run)
                        && Files.exists(run.resolve("metrics.csv"))
                        && ClusterScript.metricVersions(run).size() >= versions);
    }

    private static void assertEveryValidExampleFoldedOnce(JsonNode summary, long examples) {
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(examples);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(valid).isPositive();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
    }

    @Test
    void stopWithSavepointThenResumeWithAnotherParallelism_versionsContinueAndEveryValidExampleCountsOnce()
            throws Exception {
        Path run = cluster.root.resolve("savepoint-run");
        // long enough (30 s at 5,000/s) that the stop never races the end of the input, even when a
        // loaded machine is slow to start the stop command
        String[] longer = {"--set", "input.generator.examples=150000"};
        ClusterScript.Background first = cluster.background(submit("submit", run, longer));
        String jobId = first.awaitJobId();
        awaitProgress(run, 20);

        ClusterScript.Result stop = cluster.fedflink(Duration.ofMinutes(3), "stop", jobId, "--savepoint").assertOk();
        Path savepoint = Path.of(stop.out().trim());
        assertThat(savepoint).startsWith(run.resolve("savepoints")); // the run folder's, not the cluster's
        assertThat(savepoint.resolve("_metadata")).exists();
        assertThat(first.awaitExit(JOB_TIMEOUT)).as(first.output()).isEqualTo(3); // stopped with a savepoint
        JsonNode stopped = ClusterScript.readJson(run.resolve("summary.json"));
        assertThat(stopped.path("status").asText()).isEqualTo("STOPPED");
        long stoppedAt = stopped.path("globalVersion").asLong();
        assertThat(stoppedAt).isPositive();

        // Another shard count would not fit the aggregator state: refused before any job is submitted.
        int jobsBefore = cluster.rest("/jobs/overview").path("jobs").size();
        ClusterScript.Result refused = cluster.fedflink(Duration.ofMinutes(2),
                submit("resume", null, "--from", savepoint.toString(), "--set", "aggregation.shards=2"));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("aggregation.shards is 2").contains("1 shard(s)").contains("cannot change");
        assertThat(cluster.rest("/jobs/overview").path("jobs").size()).isEqualTo(jobsBefore);

        // Resume into the same run folder (found from the savepoint's path) with 3 trainers instead of 2.
        ClusterScript.Background resumed = cluster.background(
                submit("resume", null, "--from", savepoint.toString(), "--parallelism", "3", longer[0], longer[1]));
        String resumedId = resumed.awaitJobId();
        assertThat(resumed.awaitExit(JOB_TIMEOUT)).as(resumed.output()).isZero();
        JsonNode vertices = cluster.rest("/jobs/" + resumedId).path("vertices");
        int trainers = 0;
        for (JsonNode v : vertices) {
            // the trainer's chain: "local trainer -> per-source progress"
            if (v.path("name").asText().startsWith("local trainer")) {
                trainers = v.path("parallelism").asInt();
            }
        }
        assertThat(trainers).isEqualTo(3);

        JsonNode summary = ClusterScript.readJson(run.resolve("summary.json"));
        assertEveryValidExampleFoldedOnce(summary, 150000);
        assertThat(summary.path("globalVersion").asLong()).isGreaterThan(stoppedAt);
        assertThat(ClusterScript.readJson(run.resolve("models/latest.json")).path("samplesInModel").asLong())
                .isEqualTo(summary.path("samplesInModel").asLong());
        List<Long> versions = ClusterScript.metricVersions(run);
        assertThat(versions).isSorted().doesNotHaveDuplicates().contains(stoppedAt, stoppedAt + 1);
        assertThat(versions.get(versions.size() - 1)).isEqualTo(summary.path("globalVersion").asLong());
    }

    @Test
    void taskManagerKilledMidRun_jobRecoversFromItsCheckpointAndLearnsLikeAFailureFreeRun() throws Exception {
        Path reference = cluster.root.resolve("failure-free");
        assertThat(cluster.fedflink(JOB_TIMEOUT, submit("submit", reference)).exit()).isZero();
        JsonNode expected = ClusterScript.readJson(reference.resolve("summary.json"));
        assertEveryValidExampleFoldedOnce(expected, 60000);

        Path run = cluster.root.resolve("failover");
        ClusterScript.Background job = cluster.background(submit("submit", run));
        String jobId = job.awaitJobId();
        awaitProgress(run, 20);
        // Both TaskManagers run subtasks of the job (slots are spread): losing either one fails it.
        long killedAt = System.currentTimeMillis();
        cluster.kill9("taskmanager-1");
        ClusterScript.Result replaced = cluster.fedflink(Duration.ofMinutes(3), "cluster", "start").assertOk();
        assertThat(replaced.out()).contains("restarted taskmanager-1");

        assertThat(job.awaitExit(JOB_TIMEOUT)).as(job.output()).isZero();
        JsonNode restored = cluster.rest("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        assertThat(restored.isObject()).as("the job restored a checkpoint").isTrue();
        System.out.printf(Locale.ROOT, "[standalone] taskmanager killed -> checkpoint %d restored after %.1f s%n",
                restored.path("id").asLong(), (restored.path("restore_timestamp").asLong() - killedAt) / 1000.0);

        JsonNode summary = ClusterScript.readJson(run.resolve("summary.json"));
        assertEveryValidExampleFoldedOnce(summary, 60000);
        assertThat(ClusterScript.metricVersions(run)).isSorted().doesNotHaveDuplicates();
        double accuracy = summary.path("metrics").path("holdoutAccuracy").asDouble();
        double reference0 = expected.path("metrics").path("holdoutAccuracy").asDouble();
        System.out.printf(Locale.ROOT, "[standalone] holdout accuracy: failure-free %.4f, after a taskmanager loss %.4f%n",
                reference0, accuracy);
        assertThat(accuracy).isCloseTo(reference0, org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void flinkRun_acceptsTheJobJarAndWritesTheRunFolder() throws Exception {
        // The line of docs/cluster.md for Flink's own CLI, with this project's stand-in for a distribution's bin/flink.
        Path run = cluster.root.resolve("flink-run");
        ProcessBuilder pb = new ProcessBuilder(ClusterScript.HOME.resolve("bin/flink").toString(), "run",
                "target/fedflink-job.jar", "--spec", "jobs/quickstart.yaml", "--out", run.toString(),
                "--set", "input.generator.examples=20000", "--set", "evaluation.baseline=none")
                .directory(ClusterScript.HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(cluster.root.resolve("flink-run.log").toFile());
        pb.environment().put("FLINK_CONF_DIR", cluster.dir.resolve("conf").toString());
        Process flink = pb.start();
        assertThat(flink.waitFor(JOB_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(cluster.root.resolve("flink-run.log"));
        assertThat(flink.exitValue()).as(output).isZero();
        assertThat(output).contains("Job has been submitted with JobID").contains("FINISHED");
        JsonNode summary = ClusterScript.readJson(run.resolve("summary.json"));
        assertEveryValidExampleFoldedOnce(summary, 20000);
        assertThat(run.resolve("models/latest.json")).exists();
    }
}
