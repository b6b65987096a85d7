package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.IdxDataset;
import org.fedflink.data.JsonLineWriter;
import org.fedflink.data.PartitionScheme;
import org.fedflink.data.Partitioner;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input reaches the trainers in its order, at every trainer parallelism: for each file
 * format (JSON lines, a directory of CSV files, gzip, LibSVM, IDX), two passes, trainer
 * parallelism 1, 2 and 4, each source's examples are trained exactly in the order the input
 * holds them (the prequential predictions of {@code predictions.jsonl}, source by source, are the
 * input's rows of that source, pass after pass), and the centralized baseline, which sees the
 * input's exact order, ends with the same model in every run of the same input — whether the
 * trainers read their own sources' rows ({@code input.readBy}, by default where they can: also rows
 * that name their source) or readers read the input, several of them splitting it by source
 * ({@code input.parallelism}).
 */
class OrderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 1200;
    private static final int PASSES = 2;
    /** Simulated sources of the formats without a source field. */
    private static final int SOURCES = 6;
    private static final long START = 1_700_000_000_000L;
    private static final long INTERVAL = 10;

    /** The cluster the runs of this class share ({@link SharedCluster}): up to 4 trainers, or 3 readers. */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(4);

    private static MiniCluster cluster;

    @TempDir
    static Path tmp;

    private static SyntheticGenerator generator;
    private static List<Example> rows;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    @BeforeAll
    static void data() throws Exception {
        generator = new SyntheticGenerator(Generators.config(FederatedLoopIT.quickstart()));
        rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Example e = generator.example(i);
            // strictly increasing times, so a row is known by its time
            rows.add(new Example(e.source(), START + i, e.label(), e.indices(), e.values()));
        }
    }

    /** One run of the quickstart on {@code input}, with predictions and the centralized baseline. */
    private static Path run(String name, List<String> input, String... extra) throws Exception {
        List<String> overrides = new ArrayList<>(input);
        overrides.addAll(List.of("input.passes=" + PASSES, "output.predictions=true",
                "evaluation.baseline=centralized", "evaluation.report=false",
                "input.startTimeMillis=" + START, "input.eventIntervalMillis=" + INTERVAL));
        overrides.addAll(List.of(extra));
        JobSpec spec = FederatedLoopIT.quickstart(overrides.toArray(new String[0]));
        Path out = tmp.resolve("runs").resolve(name);
        JsonNode summary = LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();
        assertThat(summary.path("status").asText()).as(name).isEqualTo("FINISHED");
        assertThat(summary.path("invalid").asLong()).as(name).isZero();
        return out;
    }

    /** Per source, the times of its predictions in the order the trainers made them. */
    static Map<String, List<Long>> trained(Path run) throws Exception {
        Map<String, List<Long>> bySource = new TreeMap<>();
        try (BufferedReader reader = Files.newBufferedReader(run.resolve(RunFolder.PREDICTIONS))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode p = JSON.readTree(line);
                bySource.computeIfAbsent(p.path("source").asText(), s -> new ArrayList<>()).add(p.path("time").asLong());
            }
        }
        return bySource;
    }

    /** Per source, the times of its rows as the input holds them (rows with their own times), pass after pass. */
    private static Map<String, List<Long>> inputOrder() {
        Map<String, List<Long>> bySource = new TreeMap<>();
        for (int pass = 0; pass < PASSES; pass++) {
            for (Example e : rows) {
                bySource.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(e.timestamp());
            }
        }
        return bySource;
    }

    /**
     * Per simulated source, the arrival times of its rows (rows without times get {@code start + i *
     * interval}, {@code i} the position in the replay), pass after pass: the job deals the rows with
     * the same partitioner and seed.
     */
    private static Map<String, List<Long>> partitionedOrder(long seed) {
        int[] labels = rows.stream().mapToInt(e -> (int) e.label()).toArray();
        int[] sourceOfRow = Partitioner.assign(labels, 4, SOURCES, new PartitionScheme.Iid(), seed);
        Map<String, List<Long>> bySource = new TreeMap<>();
        for (int pass = 0; pass < PASSES; pass++) {
            for (int row = 0; row < ROWS; row++) {
                long position = (long) pass * ROWS + row;
                bySource.computeIfAbsent(FileInput.sourceName(sourceOfRow[row], SOURCES), s -> new ArrayList<>())
                        .add(START + position * INTERVAL);
            }
        }
        return bySource;
    }

    private static String baselineChecksum(Path run) throws Exception {
        return JSON.readTree(run.resolve(RunFolder.BASELINE).resolve(RunFolder.MODELS).resolve("latest.json").toFile())
                .path("checksum").asText();
    }

    /**
     * Runs {@code input} at trainer parallelism 1, 2 and 4 (and the extra runs given): every run
     * trains each source in {@code expected} order, and every run's centralized baseline ends with the
     * same model.
     */
    private static void assertOrdered(String name, List<String> input, Map<String, List<Long>> expected,
            List<List<String>> extraRuns) throws Exception {
        Map<String, String> checksums = new LinkedHashMap<>();
        List<List<String>> settings = new ArrayList<>();
        for (int p : new int[] {1, 2, 4}) {
            settings.add(List.of("trainer.parallelism=" + p));
        }
        settings.addAll(extraRuns);
        for (List<String> setting : settings) {
            String runName = name + "-" + String.join("-", setting).replace('=', '-');
            Path out = run(runName, input, setting.toArray(new String[0]));
            Map<String, List<Long>> trained = trained(out);
            assertThat(trained.keySet()).as(runName + ": sources").isEqualTo(expected.keySet());
            for (Map.Entry<String, List<Long>> source : expected.entrySet()) {
                assertThat(trained.get(source.getKey()))
                        .as(runName + ": source " + source.getKey() + " is trained in input order")
                        .containsExactlyElementsOf(source.getValue());
            }
            checksums.put(runName, baselineChecksum(out));
        }
        assertThat(checksums.values().stream().distinct()).as("centralized baseline models " + checksums).hasSize(1);
    }

    private static String jsonl() {
        StringBuilder text = new StringBuilder();
        rows.forEach(e -> text.append(JsonLineWriter.toJson(e)).append('\n'));
        return text.toString();
    }

    @Test
    void jsonl_everyParallelism_trainsEachSourceInFileOrder_andTheBaselineIsTheSameModel() throws Exception {
        Path file = Files.writeString(tmp.resolve("train.jsonl"), jsonl());
        assertOrdered("jsonl", List.of("input.type=jsonl", "input.path=" + file), inputOrder(),
                // several readers split the file by source: each source still in order, the baseline
                // reads the file again on its own and ends with the same model; and the trainers, each
                // told its rows by a pass on the client, read their sources' rows at 3 subtasks
                List.of(List.of("trainer.parallelism=2", "input.parallelism=3", "input.readBy=readers"),
                        List.of("trainer.parallelism=3", "input.readBy=trainers")));
    }

    @Test
    void gzipJsonl_everyParallelism_trainsEachSourceInFileOrder() throws Exception {
        Path file = tmp.resolve("train.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(jsonl().getBytes(StandardCharsets.UTF_8));
        }
        assertOrdered("gz", List.of("input.type=jsonl", "input.path=" + file), inputOrder(), List.of());
    }

    @Test
    void csvDirectory_everyParallelism_trainsEachSourceInFileNameOrder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("csv"));
        int perFile = ROWS / 3;
        // written out of name order, so listing order cannot pass for name order by luck
        for (int part : new int[] {2, 0, 1}) {
            StringBuilder text = new StringBuilder(FileInputIT.header()).append('\n');
            for (Example e : rows.subList(part * perFile, (part + 1) * perFile)) {
                text.append(FileInputIT.csvRow(e)).append('\n');
            }
            Files.writeString(dir.resolve("part-" + part + ".csv"), text);
        }
        assertOrdered("csv", List.of("input.type=csv", "input.path=" + dir), inputOrder(),
                List.of(List.of("trainer.parallelism=4", "input.parallelism=2", "input.readBy=readers")));
    }

    @Test
    void libsvm_everyParallelism_trainsEachSimulatedSourceInFileOrder() throws Exception {
        StringBuilder text = new StringBuilder();
        for (Example e : rows) {
            text.append((int) e.label());
            for (int j = 0; j < e.values().length; j++) {
                text.append(' ').append(j + 1).append(':').append(e.values()[j]);
            }
            text.append('\n');
        }
        Path file = Files.writeString(tmp.resolve("train.libsvm"), text);
        assertOrdered("libsvm", List.of("input.type=libsvm", "input.path=" + file,
                        "input.partition.scheme=iid", "input.partition.sources=" + SOURCES),
                partitionedOrder(42), List.of(List.of("trainer.parallelism=2", "input.parallelism=2"),
                        List.of("trainer.parallelism=3", "input.readBy=trainers")));
    }

    @Test
    void idx_everyParallelism_trainsEachSimulatedSourceInFileOrder() throws Exception {
        // 4 x 5 images, so the quickstart's 20 features; pixels from the examples, clamped to bytes
        ByteBuffer images = ByteBuffer.allocate(16 + ROWS * 20).putInt(IdxDataset.IMAGES_MAGIC).putInt(ROWS)
                .putInt(4).putInt(5);
        ByteBuffer labels = ByteBuffer.allocate(8 + ROWS).putInt(IdxDataset.LABELS_MAGIC).putInt(ROWS);
        for (Example e : rows) {
            for (float v : e.values()) {
                images.put((byte) Math.max(0, Math.min(255, Math.round(128 + 32 * v))));
            }
            labels.put((byte) e.label());
        }
        Path imageFile = Files.write(tmp.resolve("train-images-idx3-ubyte"), images.array());
        Path labelFile = Files.write(tmp.resolve("train-labels-idx1-ubyte"), labels.array());
        assertOrdered("idx", List.of("input.type=idx", "input.path=" + imageFile, "input.labelsPath=" + labelFile,
                        "input.scaling.type=divide", "input.scaling.divisor=255",
                        "input.partition.scheme=iid", "input.partition.sources=" + SOURCES),
                partitionedOrder(42), List.of(List.of("trainer.parallelism=2", "input.readBy=trainers"),
                        List.of("trainer.parallelism=4", "input.readBy=auto")));
    }
}
