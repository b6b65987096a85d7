package org.fedflink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JobManager high availability on a real cluster: ZooKeeper, a leader and a standby JobManager and
 * two TaskManagers as separate JVMs ({@code bin/fedflink cluster start --ha}). The leader is killed
 * with SIGKILL while the job runs; the standby takes over once ZooKeeper expires the dead session
 * (10 s), recovers the job from the HA store and its newest checkpoint, and the job finishes.
 */
class HighAvailabilityIT {

    private static ClusterScript cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ClusterScript("ha");
        String out = cluster.start("--ha").assertOk().out();
        System.out.println("[ha] " + out.lines().reduce((a, b) -> b).orElse(""));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stopAll();
        }
    }

    @Test
    void leaderKilledMidRun_jobFinishesOnTheStandbyWithNothingLostOrCountedTwice() throws Exception {
        String leader = leader();
        String standby = leader.equals("jobmanager-1") ? "jobmanager-2" : "jobmanager-1";

        Path run = cluster.root.resolve("failover");
        ClusterScript.Background job = cluster.background("submit", "jobs/quickstart.yaml", "--out", run.toString(),
                "--set", "input.generator.examples=60000",
                "--set", "input.generator.ratePerSecond=5000",
                "--set", "evaluation.baseline=none",
                "--set", "checkpoint.intervalMillis=500",
                "--quiet");
        String jobId = job.awaitJobId();
        ClusterScript.await(Duration.ofMinutes(2), "a checkpoint and 20 versions",
                () -> ClusterScript.hasCompletedCheckpoint(run)
                        && Files.exists(run.resolve("metrics.csv"))
                        && ClusterScript.metricVersions(run).size() >= 20);

        long killedAt = System.currentTimeMillis();
        cluster.kill9(leader);
        // The standby's REST answers once it leads and has recovered the job.
        ClusterScript.await(Duration.ofMinutes(2), "the job running again under " + standby,
                () -> "RUNNING".equals(cluster.rest("/jobs/" + jobId).path("state").asText()));
        double runningAgain = (System.currentTimeMillis() - killedAt) / 1000.0;

        assertThat(job.awaitExit(Duration.ofMinutes(5))).as(job.output()).isZero();
        assertThat(leader()).isEqualTo(standby);
        System.out.printf(Locale.ROOT, "[ha] %s killed -> job %s RUNNING again under %s after %.1f s%n",
                leader, jobId, standby, runningAgain);

        JsonNode summary = ClusterScript.readJson(run.resolve("summary.json"));
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(60000);
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(Files.readAllLines(run.resolve("dead-letter.jsonl"))).hasSize(summary.path("invalid").asInt());
        assertThat(ClusterScript.metricVersions(run)).isSorted().doesNotHaveDuplicates();
    }

    /** The JobManager {@code cluster status} marks as leader. */
    private static String leader() throws Exception {
        return ClusterScript.await(Duration.ofMinutes(1), "a leading jobmanager", () -> {
            String status = cluster.fedflink(Duration.ofMinutes(1), "cluster", "status").out();
            return status.lines().filter(l -> l.trim().startsWith("jobmanager-") && l.endsWith("leader"))
                    .map(l -> l.trim().split("\\s+")[0]).findFirst().orElse(null);
        });
    }
}
