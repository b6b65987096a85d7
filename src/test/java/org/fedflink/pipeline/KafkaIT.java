package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.Generators;
import org.fedflink.kafka.EmbeddedKafka;
import org.fedflink.kafka.ExampleMessages;
import org.fedflink.kafka.FileProducer;
import org.fedflink.kafka.ModelMessages;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka end to end against an in-process broker: a Kafka-fed job learns what the same data read
 * from a file teaches, malformed messages become dead letters with their partition and offset,
 * and after a TaskManager failure every valid example is folded in once and the model topic holds
 * each version once, in order, for a {@code read_committed} consumer.
 */
class KafkaIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    /**
     * The cluster the runs of this class share ({@link SharedCluster}): up to 3 readers. The run that
     * kills the TaskManager starts a cluster of its own.
     */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(3);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The quickstart (20 features, 4 classes, 20 sources) reading {@code topic} up to its end. */
    private static JobSpec kafkaJob(String topic, String... extra) throws Exception {
        List<String> overrides = new ArrayList<>(List.of(
                "input.type=kafka",
                "input.kafka.topic=" + topic,
                "input.kafka.bounded=true",
                "input.kafka.bootstrapServers=" + kafka.bootstrapServers(),
                "evaluation.baseline=none"));
        overrides.addAll(List.of(extra));
        return FederatedLoopIT.quickstart(overrides.toArray(new String[0]));
    }

    /** The generator's first {@code n} records as JSONL (malformed ones as the generator makes them). */
    private static Path writeJsonl(SyntheticGenerator generator, long n, Path file) throws Exception {
        StringBuilder text = new StringBuilder();
        for (long i = 0; i < n; i++) {
            text.append(generator.isCorrupt(i) ? generator.corruptLine(i)
                    : new String(ExampleMessages.value(generator.example(i), List.of()), StandardCharsets.UTF_8));
            text.append('\n');
        }
        return Files.writeString(file, text);
    }

    private static Path writeHoldout(SyntheticGenerator generator, Path file) throws Exception {
        StringBuilder text = new StringBuilder();
        for (Example e : generator.holdout(2000)) {
            text.append(new String(ExampleMessages.value(e.withSource("h"), List.of()), StandardCharsets.UTF_8))
                    .append('\n');
        }
        return Files.writeString(file, text);
    }

    private static List<ModelMessages.Version> versions(List<ConsumerRecord<byte[], byte[]>> records) {
        List<ModelMessages.Version> versions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            versions.add(ModelMessages.parse(r.value()));
        }
        return versions;
    }

    /** Reads the model topic until a final version (or 60 s). */
    private static List<ModelMessages.Version> readModels(String topic) {
        return versions(kafka.readCommitted(topic, Duration.ofSeconds(60),
                records -> !records.isEmpty()
                        && ModelMessages.parse(records.get(records.size() - 1).value()).last()));
    }

    @Test
    void boundedKafkaJob_learnsAsTheFileJobDoes_andPublishesEveryVersionAndDeadLetter() throws Exception {
        long n = 40_000;
        JobSpec fileSpec = FederatedLoopIT.quickstart("input.generator.corruptFraction=0.002",
                "evaluation.baseline=none");
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(fileSpec));
        Path data = writeJsonl(generator, n, tmp.resolve("train.jsonl"));
        Path holdout = writeHoldout(generator, tmp.resolve("holdout.jsonl"));
        JobSpec fileJob = FederatedLoopIT.quickstart("input.type=jsonl", "input.path=" + data,
                "evaluation.holdoutPath=" + holdout, "evaluation.baseline=none");
        JsonNode fromFile = LocalRunner.runOn(cluster, fileJob, LocalRunner.Options.defaults(tmp.resolve("file-run")))
                .json();

        FileProducer.Result produced = FileProducer.produce(fileJob, "train", kafka.client(),
                new FileProducer.Options(4, 0, 0, null, false));
        assertThat(produced.records()).isEqualTo(n);
        JobSpec kafkaJob = kafkaJob("train", "evaluation.holdoutPath=" + holdout,
                "output.kafka.modelTopic=models", "output.kafka.deadLetterTopic=dead-letters");
        Path out = tmp.resolve("kafka-run");
        JsonNode fromKafka = LocalRunner.runOn(cluster, kafkaJob, LocalRunner.Options.defaults(out)).json();

        assertThat(fromKafka.path("status").asText()).isEqualTo("FINISHED");
        assertThat(fromKafka.path("examples").asLong()).isEqualTo(n);
        // rows the file reader rejects (sent as raw text) plus rows the validator rejects, as in the file job
        long invalid = fromFile.path("invalid").asLong();
        assertThat(fromKafka.path("invalid").asLong()).isEqualTo(invalid).isGreaterThanOrEqualTo(produced.invalid())
                .isPositive();
        long valid = n - invalid;
        assertThat(fromKafka.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(fromKafka.path("sources").asLong()).isEqualTo(20);
        double fileAccuracy = fromFile.path("metrics").path("holdoutAccuracy").asDouble();
        double kafkaAccuracy = fromKafka.path("metrics").path("holdoutAccuracy").asDouble();
        System.out.printf("holdout accuracy: file %.4f, kafka %.4f%n", fileAccuracy, kafkaAccuracy);
        assertThat(kafkaAccuracy).isCloseTo(fileAccuracy, org.assertj.core.data.Offset.offset(0.02));
        assertThat(kafkaAccuracy).isGreaterThan(0.5);

        List<ModelMessages.Version> versions = readModels("models");
        List<Long> numbers = versions.stream().map(ModelMessages.Version::version).toList();
        assertThat(numbers).isNotEmpty().isSorted().doesNotHaveDuplicates();
        ModelMessages.Version last = versions.get(versions.size() - 1);
        assertThat(last.last()).isTrue();
        assertThat(last.version()).isEqualTo(fromKafka.path("globalVersion").asLong());
        assertThat(last.metadata().path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(last.job()).isEqualTo("quickstart");
        assertThat(last.params()).hasSize(21 * 4);
        // the same parameters as the run folder's file of that version
        byte[] file = Files.readAllBytes(out.resolve("models").resolve(String.format("v%08d.f32", last.version())));
        assertThat(org.fedflink.artifact.SavedModel.toBytes(last.params())).isEqualTo(file);

        List<ConsumerRecord<byte[], byte[]>> letters = kafka.readCommitted("dead-letters", Duration.ofSeconds(30),
                records -> records.size() >= invalid);
        assertThat((long) letters.size()).isEqualTo(invalid);
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            JsonNode letter = JSON.readTree(r.value());
            assertThat(letter.path("format").asText()).isEqualTo("fedflink-dead-letter/1");
            assertThat(letter.path("topic").asText()).isEqualTo("train");
            assertThat(letter.path("reason").asText()).isNotBlank();
            assertThat(letter.path("offset").asLong()).isEqualTo(letter.path("position").asLong());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("train-" + letter.path("partition").asInt());
        }
    }

    @Test
    void severalPartitions_eachSourceIsTrainedInPartitionOrder_withOneReaderOrOnePerPartition() throws Exception {
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(FederatedLoopIT.quickstart()));
        // strictly increasing times, so the predictions name the row each one is about
        long start = 1_700_000_000_000L;
        StringBuilder text = new StringBuilder();
        Map<String, List<Long>> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 3000; i++) {
            Example e = generator.example(i);
            Example timed = new Example(e.source(), start + i, e.label(), e.indices(), e.values());
            text.append(new String(ExampleMessages.value(timed, List.of()), StandardCharsets.UTF_8)).append('\n');
            expected.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(start + i);
        }
        Path data = Files.writeString(tmp.resolve("ordered.jsonl"), text);
        // keyed by source, so each source's messages are in one partition, in file order
        FileProducer.produce(FederatedLoopIT.quickstart("input.type=jsonl", "input.path=" + data), "ordered",
                kafka.client(), new FileProducer.Options(3, 0, 0, null, false));

        for (int readers : new int[] {1, 3}) {
            Path out = tmp.resolve("ordered-" + readers);
            JobSpec spec = kafkaJob("ordered", "output.predictions=true", "trainer.parallelism=2",
                    "input.parallelism=" + readers, "evaluation.report=false");
            JsonNode summary = LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();
            assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
            Map<String, List<Long>> trained = OrderIT.trained(out);
            assertThat(trained.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<String, List<Long>> source : expected.entrySet()) {
                assertThat(trained.get(source.getKey()))
                        .as(readers + " readers: source " + source.getKey() + " is trained in partition order")
                        .containsExactlyElementsOf(source.getValue());
            }
        }
    }

    @Test
    void malformedMessages_reachTheDeadLetterTopicWithReasonPartitionAndOffset() throws Exception {
        kafka.createTopic("mixed", 1);
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(FederatedLoopIT.quickstart()));
        List<Map.Entry<String, byte[]>> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Example e = generator.example(i);
            messages.add(Map.entry(e.source(), ExampleMessages.value(e, List.of())));
        }
        // offset -> the reason its dead letter must give
        Map<Long, String> bad = Map.of(
                200L, "not valid JSON",
                201L, "bad utf-8 at byte 2 (raw bytes in base64)",
                202L, "expected 20 features, got 3",
                203L, "label",
                204L, "missing source");
        messages.add(Map.entry("s1", "not json".getBytes(StandardCharsets.UTF_8)));
        messages.add(Map.entry("s1", new byte[] {'{', (byte) 0xC3, '}'}));
        messages.add(Map.entry("s1", "{\"source\":\"s1\",\"label\":1,\"features\":[1,2,3]}".getBytes(StandardCharsets.UTF_8)));
        Example valid = generator.example(7);
        String badLabel = new String(ExampleMessages.value(valid, List.of()), StandardCharsets.UTF_8)
                .replaceFirst("\"label\":\\d+", "\"label\":9");
        messages.add(Map.entry("s1", badLabel.getBytes(StandardCharsets.UTF_8)));
        messages.add(Map.entry("s1", new String(ExampleMessages.value(valid.withSource(null), List.of()),
                StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        kafka.send("mixed", 0, messages);

        JobSpec spec = kafkaJob("mixed", "output.kafka.deadLetterTopic=mixed-dead", "trainer.parallelism=1");
        Path out = tmp.resolve("mixed-run");
        JsonNode summary = LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(205);
        assertThat(summary.path("invalid").asLong()).isEqualTo(5);
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(200);
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.readCommitted("mixed-dead", Duration.ofSeconds(30),
                records -> records.size() >= 5);
        assertThat(letters).hasSize(5);
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            JsonNode letter = JSON.readTree(r.value());
            long offset = letter.path("offset").asLong();
            assertThat(bad).containsKey(offset);
            assertThat(letter.path("reason").asText()).as("offset " + offset).contains(bad.get(offset));
            assertThat(letter.path("topic").asText()).isEqualTo("mixed");
            assertThat(letter.path("partition").asInt()).isEqualTo(0);
        }
        JsonNode utf8 = letters.stream().map(r -> readTree(r.value()))
                .filter(l -> l.path("offset").asLong() == 201).findFirst().orElseThrow();
        assertThat(java.util.Base64.getDecoder().decode(utf8.path("raw").asText())).containsExactly('{', (byte) 0xC3, '}');
        // the run folder's dead letters hold the same five
        assertThat(Files.readAllLines(out.resolve(RunFolder.DEAD_LETTER))).hasSize(5);
    }

    @Test
    void taskManagerKilledAfterACheckpoint_everyValidExampleOnce_andModelVersionsStrictlyIncreasing() throws Exception {
        JobSpec source = FederatedLoopIT.quickstart("input.generator.examples=150000",
                "input.generator.corruptFraction=0.001");
        FileProducer.Result produced = FileProducer.produce(source, "failover", kafka.client(),
                new FileProducer.Options(4, 0, 0, null, false));
        // paced, so that the job still runs when a checkpoint has completed and five versions are out,
        // however fast the machine trains (unpaced, a fast run could finish before its first checkpoint)
        JobSpec spec = kafkaJob("failover", "checkpoint.intervalMillis=300", "output.kafka.modelTopic=failover-models",
                "output.kafka.transactionalIdPrefix=failover-test", "input.kafka.ratePerSecond=15000");
        Path out = tmp.resolve("failover-run");
        JsonNode summary;
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out)
                .withOverrides(Map.of("restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "3",
                        "restart-strategy.fixed-delay.delay", "500 ms")))) {
            FederatedLoopIT.awaitCompletedCheckpoint(out);
            FederatedLoopIT.awaitVersion(out, 5);
            assertThat(runner.cluster().getJobStatus(runner.jobId()).get(10, TimeUnit.SECONDS))
                    .as("the failure must come while the job runs").isEqualTo(JobStatus.RUNNING);
            runner.cluster().terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            runner.cluster().startTaskManager();
            summary = runner.awaitSummary().json();
        }
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        long valid = produced.records() - summary.path("invalid").asLong();
        assertThat(summary.path("examples").asLong()).isEqualTo(produced.records());
        assertThat(summary.path("invalid").asLong()).isGreaterThanOrEqualTo(produced.invalid());
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);

        List<ModelMessages.Version> versions = readModels("failover-models");
        List<Long> numbers = versions.stream().map(ModelMessages.Version::version).toList();
        assertThat(numbers).isNotEmpty().isSorted().doesNotHaveDuplicates();
        ModelMessages.Version last = versions.get(versions.size() - 1);
        assertThat(last.metadata().path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(last.version()).isEqualTo(summary.path("globalVersion").asLong());
        // samples only grow along the committed versions
        List<Long> samples = versions.stream().map(v -> v.metadata().path("samplesInModel").asLong()).toList();
        assertThat(samples).isSorted();
    }

    @Test
    void kafkaFeedback_trainersLearnFromTheModelTopic_andTheBoundedJobFinishes() throws Exception {
        String[] common = {"input.generator.examples=100000", "input.generator.ratePerSecond=20000",
            "input.generator.corruptFraction=0.001",
            "evaluation.baseline=none", "checkpoint.intervalMillis=200",
            "output.kafka.bootstrapServers=" + kafka.bootstrapServers()};
        JsonNode channel = LocalRunner.runOn(cluster, FederatedLoopIT.quickstart(common),
                LocalRunner.Options.defaults(tmp.resolve("channel-run"))).json();
        List<String> overrides = new ArrayList<>(List.of(common));
        overrides.addAll(List.of("rounds.feedback=kafka", "output.kafka.modelTopic=feedback-models",
                "output.kafka.transactionalIdPrefix=feedback-test"));
        Path out = tmp.resolve("kafka-feedback-run");
        JsonNode viaKafka = LocalRunner.runOn(cluster, FederatedLoopIT.quickstart(overrides.toArray(new String[0])),
                LocalRunner.Options.defaults(out)).json();

        assertThat(viaKafka.path("status").asText()).isEqualTo("FINISHED");
        long valid = viaKafka.path("examples").asLong() - viaKafka.path("invalid").asLong();
        assertThat(viaKafka.path("samplesInModel").asLong()).isEqualTo(valid);
        // trainers that never saw a global version would report updates based on version 0: the mean
        // staleness over the run would be about half the last version
        double staleness = meanStaleness(out);
        List<Long> numbers = FederatedLoopIT.metricVersions(out);
        long version = numbers.get(numbers.size() - 1);
        double channelAccuracy = channel.path("metrics").path("holdoutAccuracy").asDouble();
        double kafkaAccuracy = viaKafka.path("metrics").path("holdoutAccuracy").asDouble();
        System.out.printf("feedback: channel accuracy %.4f, mean staleness %.1f; kafka accuracy %.4f, mean staleness"
                        + " %.1f (last version %d)%n", channelAccuracy, meanStaleness(tmp.resolve("channel-run")),
                kafkaAccuracy, staleness, version);
        assertThat(version).isGreaterThan(40);
        assertThat(staleness).isLessThan(version / 4.0);
        assertThat(kafkaAccuracy).isCloseTo(channelAccuracy, org.assertj.core.data.Offset.offset(0.03));
        List<ModelMessages.Version> versions = readModels("feedback-models");
        assertThat(versions.stream().map(ModelMessages.Version::version).toList()).isSorted().doesNotHaveDuplicates();
    }

    /** The mean of metrics.csv's roundStaleness column. */
    private static double meanStaleness(Path out) throws Exception {
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        int column = List.of(rows.get(0).split(",")).indexOf("roundStaleness");
        return rows.subList(1, rows.size()).stream().map(r -> r.split(",", -1)[column]).filter(v -> !v.isEmpty())
                .mapToDouble(Double::parseDouble).average().orElse(Double.NaN);
    }

    private static JsonNode readTree(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
