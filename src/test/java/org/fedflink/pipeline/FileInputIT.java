package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.Example;
import org.fedflink.data.FormatException;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * File inputs end to end on an embedded MiniCluster: CSV (gzip) and LibSVM files with planted
 * invalid rows, passes and shuffling, a partition of data without sources, holdout files in the
 * input's format, and a file that is not its declared format at all.
 */
class FileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 4000;

    /** The cluster the runs of this class share ({@link SharedCluster}): 2 trainers. */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(2);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    private static SyntheticGenerator generator() throws Exception {
        return new SyntheticGenerator(Generators.config(JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of())));
    }

    static String csvRow(Example e) {
        StringBuilder row = new StringBuilder().append(e.source()).append(',').append(e.timestamp()).append(',')
                .append((int) e.label());
        for (float v : e.values()) {
            row.append(',').append(v);
        }
        return row.toString();
    }

    static String header() {
        StringBuilder h = new StringBuilder("source,time,label");
        for (int j = 0; j < 20; j++) {
            h.append(",f").append(j);
        }
        return h.toString();
    }

    private static void gzip(Path file, String text) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static JsonNode run(JobSpec spec, Path out) throws Exception {
        return LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();
    }

    @Test
    void gzippedCsv_twoShuffledPasses_foldsEveryValidRowTwiceAndDeadLettersEachBadRowWithFileLineAndReason()
            throws Exception {
        SyntheticGenerator generator = generator();
        StringBuilder csv = new StringBuilder(header()).append('\n');
        // line number (1-based, the header is line 1) -> the reason the dead letter must name
        Map<Long, String> bad = new HashMap<>();
        long line = 1;
        for (int i = 0; i < ROWS; i++) {
            line++;
            String row = csvRow(generator.example(i));
            switch (i % 500) {
                case 17 -> {
                    row = row.substring(0, row.lastIndexOf(','));
                    bad.put(line, "expected 23 columns, got 22");
                }
                case 101 -> {
                    row = row.replaceFirst(",[^,]*$", ",NaN");
                    bad.put(line, "not a finite number");
                }
                case 202 -> {
                    row = "";
                    bad.put(line, "empty line");
                }
                case 303 -> {
                    row = row + ",".repeat(600);
                    bad.put(line, "longer than the limit of 512 bytes");
                }
                default -> { }
            }
            csv.append(row).append('\n');
        }
        Path data = tmp.resolve("train.csv.gz");
        gzip(data, csv.toString());
        StringBuilder holdout = new StringBuilder(header()).append('\n');
        for (Example e : generator.holdout(1000)) {
            holdout.append(csvRow(e.withSource("h"))).append('\n');
        }
        Path holdoutFile = Files.writeString(tmp.resolve("holdout.csv"), holdout);

        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.type=csv", "input.path=" + data, "input.passes=2", "input.shuffle=true",
                "input.maxLineBytes=512", "evaluation.holdoutPath=" + holdoutFile, "evaluation.baseline=none"));
        Path out = tmp.resolve("csv-run");
        JsonNode summary = run(spec, out);

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(2L * ROWS);
        assertThat(summary.path("invalid").asLong()).isEqualTo(2L * bad.size());
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(2L * (ROWS - bad.size()));
        List<String> letters = Files.readAllLines(out.resolve(RunFolder.DEAD_LETTER));
        assertThat(letters).hasSize(2 * bad.size());
        Map<Long, Integer> seen = new HashMap<>();
        for (String l : letters) {
            JsonNode letter = JSON.readTree(l);
            assertThat(letter.path("origin").asText()).isEqualTo("train.csv.gz");
            long at = letter.path("position").asLong();
            assertThat(bad).containsKey(at);
            assertThat(letter.path("reason").asText()).contains(bad.get(at));
            seen.merge(at, 1, Integer::sum);
        }
        assertThat(seen.values()).allMatch(n -> n == 2); // once per pass
        double planted = generator.plantedScore(generator.holdout(1000));
        assertThat(summary.path("metrics").path("holdoutExamples").asInt()).isEqualTo(1000);
        assertThat(summary.path("metrics").path("holdoutAccuracy").asDouble()).isGreaterThan(planted - 0.05);
    }

    @Test
    void twoNamedHoldoutsOfTwoConcepts_eachScoredUnderItsName_forTheModelAndTheBaseline() throws Exception {
        SyntheticGenerator generator = generator();
        StringBuilder csv = new StringBuilder(header()).append('\n');
        for (int i = 0; i < ROWS; i++) {
            csv.append(csvRow(generator.example(i))).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("train.csv"), csv);
        // the training concept, and another one: the same points with every class renamed to the next
        StringBuilder same = new StringBuilder(header()).append('\n');
        StringBuilder other = new StringBuilder(header()).append('\n');
        for (Example e : generator.holdout(1000)) {
            same.append(csvRow(e.withSource("h"))).append('\n');
            other.append(csvRow(new Example("h", e.timestamp(), (e.label() + 1) % 4, e.indices(), e.values())))
                    .append('\n');
        }
        Path sameFile = Files.writeString(tmp.resolve("same.csv"), same);
        Path otherFile = Files.writeString(tmp.resolve("other.csv"), other);

        // the quickstart's evaluation section with named holdouts (--set cannot add a named entry)
        String yaml = Files.readString(Path.of("jobs/quickstart.yaml")).replace("\nevaluation:\n", """

                evaluation:
                  holdouts:
                    same: %s
                    other: {path: %s}
                """.formatted(sameFile, otherFile));
        JobSpec spec = JobSpecLoader.parse(yaml, List.of(
                "input.type=csv", "input.path=" + data, "evaluation.baseline=centralized"));
        assertThat(spec.evaluation().holdouts()).containsOnlyKeys("same", "other");
        Path out = tmp.resolve("holdouts-run");
        JsonNode summary = run(spec, out);

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        double planted = generator.plantedScore(generator.holdout(1000));
        JsonNode named = summary.path("metrics").path("holdouts");
        System.out.printf("named holdouts: same %.4f, other %.4f (planted %.4f)%n",
                named.path("same").path("accuracy").asDouble(), named.path("other").path("accuracy").asDouble(), planted);
        assertThat(named.fieldNames()).toIterable().containsExactly("same", "other");
        assertThat(named.path("same").path("examples").asInt()).isEqualTo(1000);
        assertThat(named.path("same").path("accuracy").asDouble()).isGreaterThan(planted - 0.05);
        // what the model learned is wrong on the other concept
        assertThat(named.path("other").path("accuracy").asDouble())
                .isLessThan(named.path("same").path("accuracy").asDouble() - 0.5);
        // without evaluation.holdoutPath the first named holdout is the run's holdout
        assertThat(summary.path("metrics").path("holdoutAccuracy").asDouble())
                .isEqualTo(named.path("same").path("accuracy").asDouble());
        JsonNode baseline = summary.path("baselines").path("centralized").path("holdouts");
        assertThat(baseline.path("same").path("accuracy").asDouble()).isGreaterThan(planted - 0.05);
        assertThat(baseline.path("other").path("accuracy").asDouble())
                .isLessThan(baseline.path("same").path("accuracy").asDouble() - 0.5);

        // every scored row of both loops has both holdouts' figures, apart by the same margin
        for (Path metrics : List.of(out.resolve("metrics.csv"), out.resolve("baseline/metrics.csv"))) {
            org.fedflink.report.CsvTable table = org.fedflink.report.CsvTable.read(metrics);
            List<Double> sameAcc = table.numbers("holdout.same.accuracy").orElseThrow();
            List<Double> otherAcc = table.numbers("holdout.other.accuracy").orElseThrow();
            assertThat(table.numbers("holdoutAccuracy").orElseThrow()).isEqualTo(sameAcc);
            assertThat(sameAcc.get(sameAcc.size() - 1)).isNotNull();
            assertThat(otherAcc.get(otherAcc.size() - 1)).isLessThan(sameAcc.get(sameAcc.size() - 1) - 0.5);
        }
        // and the time to accuracy is read off the same curve
        JsonNode reached = summary.path("timeToAccuracy").path("95");
        assertThat(reached.path("examples").asLong()).isPositive()
                .isLessThanOrEqualTo(summary.path("samplesInModel").asLong());
        assertThat(summary.path("baselines").path("centralized").path("timeToAccuracy").path("99").isObject()).isTrue();
    }

    @Test
    void libsvmWithoutSources_isDealtToSourcesByDirichletSplit_andWritesTheHistogram() throws Exception {
        SyntheticGenerator generator = generator();
        StringBuilder svm = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            Example e = generator.example(i);
            svm.append((int) e.label());
            for (int j = 0; j < e.values().length; j++) {
                svm.append(' ').append(j + 1).append(':').append(e.values()[j]);
            }
            svm.append('\n');
        }
        svm.append("1 3:0.5 2:0.1\n"); // indices not increasing: one dead letter
        Path data = Files.writeString(tmp.resolve("train.svm"), svm);

        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.type=libsvm", "input.path=" + data, "input.partition.scheme=dirichlet",
                "input.partition.sources=10", "input.partition.alpha=0.3", "evaluation.baseline=none"));
        Path out = tmp.resolve("svm-run");
        JsonNode summary = run(spec, out);

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(ROWS + 1);
        assertThat(summary.path("invalid").asLong()).isEqualTo(1);
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(ROWS);
        List<String> histogram = Files.readAllLines(out.resolve(FileInput.PARTITION_FILE));
        assertThat(histogram.get(0)).isEqualTo("source,rows,class0,class1,class2,class3");
        assertThat(histogram).hasSize(11);
        long rows = 0;
        List<String> nonEmpty = new ArrayList<>();
        for (String row : histogram.subList(1, histogram.size())) {
            String[] cells = row.split(",");
            rows += Long.parseLong(cells[1]);
            if (!cells[1].equals("0")) {
                nonEmpty.add(cells[0]);
            }
        }
        assertThat(rows).isEqualTo(ROWS + 1);
        assertThat(summary.path("sources").asLong()).isEqualTo(nonEmpty.size());
        assertThat(Files.readString(out.resolve(RunFolder.DEAD_LETTER)))
                .contains("index 2 comes after index 3");
    }

    @Test
    void aFileThatIsNotItsDeclaredFormat_failsBeforeTheJobStarts() throws Exception {
        Path data = Files.writeString(tmp.resolve("really.csv"), header() + "\ns1,1,0,1,2,3\n");
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.type=libsvm", "input.path=" + data, "input.partition.scheme=iid"));

        assertThatThrownBy(() -> run(spec, tmp.resolve("bad-run")))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("really.csv does not look like libsvm (input.type): line 1:");
    }

    @Test
    void monitoredDirectory_picksUpFilesThatAppearWhileTheJobRuns() throws Exception {
        SyntheticGenerator generator = generator();
        Path dir = Files.createDirectories(tmp.resolve("incoming"));
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.type=csv", "input.path=" + dir, "input.monitor=true", "input.monitorIntervalMillis=200",
                "evaluation.baseline=none", "rounds.timeoutMillis=200"));
        Path out = tmp.resolve("monitor-run");
        try (LocalRunner runner = LocalRunner.startOn(cluster, spec, LocalRunner.Options.defaults(out))) {
            int rows = 0;
            for (int file = 0; file < 2; file++) {
                StringBuilder csv = new StringBuilder(header()).append('\n');
                for (int i = 0; i < 1000; i++) {
                    csv.append(csvRow(generator.example(rows++))).append('\n');
                }
                csv.append("not,a,row\n");
                // written under a hidden name and renamed, so the monitor never sees half a file
                Path partial = Files.writeString(dir.resolve(".part-" + file), csv);
                Files.move(partial, dir.resolve("batch-" + file + ".csv"));
                // examples a source has not reported yet (fewer than rounds.localExamples each) are not in a
                // version: with 20 sources and 20 examples per report, at most 20 x 19 are held back
                awaitSamplesInModel(out, rows - 20 * 19, 60);
            }
            // dead letters are made durable with each checkpoint
            Path deadLetters = out.resolve(RunFolder.DEAD_LETTER);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && (!Files.exists(deadLetters) || Files.readAllLines(deadLetters).size() < 2)) {
                Thread.sleep(100);
            }
            List<String> letters = Files.readAllLines(deadLetters);
            assertThat(letters).hasSize(2);
            assertThat(letters).anySatisfy(l -> assertThat(l).contains("\"origin\":\"batch-0.csv\"")
                            .contains("\"position\":1002"))
                    .anySatisfy(l -> assertThat(l).contains("\"origin\":\"batch-1.csv\"")
                            .contains("\"position\":1002"));
        }
    }

    /** Waits until a published version holds {@code samples} examples (the job is unbounded). */
    private static void awaitSamplesInModel(Path out, long samples, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Path latest = out.resolve(RunFolder.MODELS).resolve("latest.json");
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(latest)) {
                try {
                    if (JSON.readTree(latest.toFile()).path("samplesInModel").asLong() >= samples) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    // being replaced: read again
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no version with " + samples + " samples within " + seconds + " s");
    }
}
