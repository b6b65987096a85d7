package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;
import org.fedflink.runner.RunSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole jobs on an embedded MiniCluster with RocksDB, incremental checkpoints, generic types
 * disabled and uids required (the settings {@link LocalRunner} always applies).
 */
class FederatedLoopIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cluster the runs of this class share ({@link SharedCluster}): up to 4 trainers. */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(4);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    static JobSpec quickstart(String... overrides) throws Exception {
        return JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(overrides));
    }

    private static JsonNode run(JobSpec spec, Path out) throws Exception {
        RunSummary summary = LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out));
        return summary.json();
    }

    private static void assertEveryValidExampleFoldedOnce(JsonNode summary) {
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
    }

    @Test
    void quickstart_fedAvgWithinOnePointOfCentralizedBaselineAndAboveThePlantedFloor() throws Exception {
        JobSpec spec = quickstart();
        JsonNode summary = run(spec, tmp.resolve("run"));

        assertEveryValidExampleFoldedOnce(summary);
        assertThat(summary.path("examples").asLong()).isEqualTo(spec.input().generator().examples());
        assertThat(summary.path("baseline").path("samplesInModel").asLong())
                .isEqualTo(summary.path("samplesInModel").asLong());
        double fedAvg = summary.path("metrics").path("holdoutAccuracy").asDouble();
        double centralized = summary.path("baseline").path("holdoutAccuracy").asDouble();
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(spec));
        double planted = generator.plantedScore(generator.holdout(spec.evaluation().holdout()));
        double floor = planted - 0.05;
        System.out.printf("quickstart: fedavg %.4f, centralized %.4f, planted %.4f%n", fedAvg, centralized, planted);

        assertThat(Math.abs(fedAvg - centralized)).isLessThanOrEqualTo(0.01);
        assertThat(fedAvg).isGreaterThan(floor);
        assertThat(centralized).isGreaterThan(floor);
        assertThat(summary.path("globalVersion").asLong()).isGreaterThan(1);

        // every source alone, on the same non-IID stream: federation buys accuracy here
        JsonNode local = summary.path("baselines").path("local");
        System.out.printf("quickstart: local-only mean %.4f, worst source %.4f%n",
                local.path("holdoutAccuracy").asDouble(), local.path("minHoldoutAccuracy").asDouble());
        assertThat(local.path("sources").asLong()).isEqualTo(spec.input().generator().sources());
        assertThat(local.path("holdoutAccuracy").asDouble()).isLessThan(fedAvg - 0.03);
        assertThat(local.path("minHoldoutAccuracy").asDouble())
                .isLessThanOrEqualTo(local.path("worstDecileHoldoutAccuracy").asDouble())
                .isLessThanOrEqualTo(local.path("holdoutAccuracy").asDouble());
        assertTimeToAccuracy(tmp.resolve("run").resolve("metrics.csv"), summary.path("timeToAccuracy"));
        assertTimeToAccuracy(tmp.resolve("run").resolve(RunFolder.BASELINE).resolve("metrics.csv"),
                summary.path("baselines").path("centralized").path("timeToAccuracy"));
    }

    /**
     * Each share of the time to accuracy is the first scored version of {@code metricsCsv} at or
     * above that share of the last scored accuracy.
     */
    static void assertTimeToAccuracy(Path metricsCsv, JsonNode timeToAccuracy) throws Exception {
        List<String> lines = Files.readAllLines(metricsCsv);
        List<String> header = List.of(lines.get(0).split(","));
        int samples = header.indexOf("samplesInModel");
        int accuracy = header.indexOf("holdoutAccuracy");
        List<double[]> scored = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (!cells[accuracy].isEmpty()) {
                scored.add(new double[] {Double.parseDouble(cells[samples]), Double.parseDouble(cells[accuracy])});
            }
        }
        double last = scored.get(scored.size() - 1)[1];
        for (String share : List.of("95", "99")) {
            double target = last * Integer.parseInt(share) / 100.0;
            double[] first = scored.stream().filter(r -> r[1] >= target - 1e-6).findFirst().orElseThrow();
            assertThat(timeToAccuracy.path(share).path("examples").asLong()).as(metricsCsv + " " + share + " %")
                    .isEqualTo((long) first[0]);
        }
    }

    @ParameterizedTest(name = "trainers={0}, shards={1}")
    @CsvSource({"1,1", "2,1", "4,1", "1,3", "2,3", "4,3"})
    void boundedJob_finishesAndFoldsEveryValidExampleOnce(int trainers, int shards) throws Exception {
        JobSpec spec = quickstart(
                "input.generator.examples=20000",
                "input.generator.corruptFraction=0.01",
                "evaluation.baseline=none",
                "trainer.parallelism=" + trainers,
                "aggregation.shards=" + shards,
                "evaluation.windowExamples=500");
        Path out = tmp.resolve("p" + trainers + "s" + shards);
        JsonNode summary = run(spec, out);

        assertEveryValidExampleFoldedOnce(summary);
        assertThat(summary.path("examples").asLong()).isEqualTo(20000);
        assertThat(summary.path("invalid").asLong()).isPositive();
        assertThat(summary.path("sources").asLong()).isEqualTo(spec.input().generator().sources());
        List<Long> versions = metricVersions(out);
        assertThat(versions).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(summary.path("globalVersion").asLong()).isEqualTo(versions.get(versions.size() - 1));
        assertWindowOfExactly(out, 500);
    }

    /**
     * Every version's windowed prequential accuracy is a count of correct predictions over exactly
     * the last {@code window} examples folded in (all of them before that many were): k / n with n
     * = min(samples, window), which whole rounds of updates would not give.
     */
    static void assertWindowOfExactly(Path out, long window) throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int samples = header.indexOf("samplesInModel");
        int accuracy = header.indexOf("windowPrequentialAccuracy");
        int checked = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells[accuracy].isEmpty()) {
                continue;
            }
            long n = Math.min(Long.parseLong(cells[samples]), window);
            double correct = Double.parseDouble(cells[accuracy]) * n;
            assertThat(correct).as("version %s: window accuracy x %d examples", cells[0], n)
                    .isCloseTo(Math.rint(correct), org.assertj.core.data.Offset.offset(1e-3));
            checked++;
        }
        assertThat(checked).isGreaterThan(1);
    }

    @Test
    void malformedRecords_reachTheDeadLetterWithReasonsAndTheJobFinishes() throws Exception {
        JobSpec spec = quickstart(
                "input.generator.examples=5000", "input.generator.corruptFraction=0.05", "evaluation.baseline=none");
        Path out = tmp.resolve("dead");
        JsonNode summary = run(spec, out);

        assertEveryValidExampleFoldedOnce(summary);
        List<String> lines = Files.readAllLines(out.resolve(RunFolder.DEAD_LETTER));
        assertThat((long) lines.size()).isEqualTo(summary.path("invalid").asLong()).isGreaterThan(100);
        for (String line : lines) {
            JsonNode letter = JSON.readTree(line);
            assertThat(letter.path("reason").asText()).isNotBlank();
            assertThat(letter.path("raw").asText()).isNotBlank();
            assertThat(letter.path("origin").asText()).isEqualTo("generator");
        }
    }

    static List<Long> metricVersions(Path out) throws Exception {
        List<Long> versions = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        for (String line : lines.subList(1, lines.size())) {
            versions.add(Long.parseLong(line.substring(0, line.indexOf(','))));
        }
        return versions;
    }

    /** Waits until the job has published global version {@code version} (models/latest.json). */
    static void awaitVersion(Path out, long version) throws Exception {
        Path latest = out.resolve(RunFolder.MODELS).resolve("latest.json");
        for (int i = 0; i < 1200; i++) {
            if (Files.exists(latest)
                    && new com.fasterxml.jackson.databind.ObjectMapper().readTree(latest.toFile()).path("version").asLong()
                            >= version) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("version " + version + " was not published within 60 s");
    }

    /** Waits until the job has completed a checkpoint (its _metadata file exists). */
    static void awaitCompletedCheckpoint(Path out) throws Exception {
        Path checkpoints = out.resolve("checkpoints");
        for (int i = 0; i < 600; i++) {
            if (Files.isDirectory(checkpoints)) {
                try (Stream<Path> files = Files.walk(checkpoints)) {
                    if (files.anyMatch(p -> p.getFileName().toString().equals("_metadata"))) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint completed within 60 s");
    }
}
