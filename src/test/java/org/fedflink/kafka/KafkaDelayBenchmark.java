package org.fedflink.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.Example;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;

/**
 * Not a test: measures the end-to-end delay of a Kafka-fed job against a running broker. It starts
 * the Kafka quickstart unbounded on an embedded MiniCluster (latest offsets of a fresh topic),
 * produces the generator's examples at a fixed rate (no malformed ones), follows the model topic
 * as a {@code read_committed} consumer, and prints for each committed version how long after the
 * record that brought {@code samplesInModel} up to its count was sent (a) the version was created
 * by the aggregator and (b) it became visible on the topic. Records of a source are folded in only
 * when that source reports, so this is the delay of the model's "count frontier", not of every
 * single record.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" --add-opens ... \
 *   org.fedflink.kafka.KafkaDelayBenchmark 127.0.0.1:9092 RATE SECONDS CHECKPOINT_MS
 * </pre>
 */
public final class KafkaDelayBenchmark {

    public static void main(String[] args) throws Exception {
        String servers = args.length > 0 ? args[0] : "127.0.0.1:9092";
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 5000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        long checkpoint = args.length > 3 ? Long.parseLong(args[3]) : 500;
        String run = "delay-" + System.currentTimeMillis();
        String topic = run + "-examples";
        String models = run + "-models";
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", servers);
        try (Topics topics = new Topics(client)) {
            topics.create(topic, 4, java.util.Map.of());
        }
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/kafka-quickstart.yaml"), List.of(
                "job=" + run, "input.kafka.bootstrapServers=" + servers, "input.kafka.topic=" + topic,
                "input.kafka.bounded=false", "input.kafka.startingOffsets=earliest",
                "input.kafka.idleTimeoutMillis=1000", "evaluation.holdoutPath=~", "evaluation.holdout=0",
                "output.kafka.modelTopic=" + models, "output.kafka.deadLetterTopic=~",
                "checkpoint.intervalMillis=" + checkpoint, "input.generator.corruptFraction=0"));
        Path out = Files.createTempDirectory("fedflink-delay");
        long total = (long) (rate * seconds);
        long[] sent = new long[(int) total];
        List<long[]> seen = new ArrayList<>(); // {receivedMillis, samplesInModel, createdMillis, version}
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out))) {
            Thread tail = new Thread(() -> ModelTail.follow(client, models,
                    new ModelTail.Options(null, true, 0, Duration.ofSeconds(seconds + 30)), r -> {
                        if (r.version() != null) {
                            synchronized (seen) {
                                seen.add(new long[] {System.currentTimeMillis(),
                                    r.version().metadata().path("samplesInModel").asLong(),
                                    r.version().metadata().path("createdMillis").asLong(), r.version().version()});
                            }
                        }
                    }), "tail");
            tail.setDaemon(true);
            tail.start();
            Thread.sleep(5000); // the job's readers are up
            produce(servers, topic, new SyntheticGenerator(Generators.config(spec)), rate, sent);
            long end = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < end) {
                synchronized (seen) {
                    if (!seen.isEmpty() && seen.get(seen.size() - 1)[1] >= total * 0.99) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
            runner.cluster().cancelJob(runner.jobId()).get(60, TimeUnit.SECONDS);
        }
        report(seen, sent, rate, checkpoint);
    }

    private static void produce(String servers, String topic, SyntheticGenerator generator, double rate, long[] sent)
            throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", servers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < sent.length; i++) {
                long due = start + (long) (i / rate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000);
                }
                Example e = generator.example(i);
                sent[i] = System.currentTimeMillis();
                producer.send(new ProducerRecord<>(topic, ExampleMessages.key(e.source()),
                        ExampleMessages.value(e, List.of())), (m, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
        }
        System.out.printf(Locale.ROOT, "produced %d examples at %.0f/s (%d failed)%n", sent.length,
                sent.length / ((System.nanoTime() - start) / 1e9), failed.get());
    }

    private static void report(List<long[]> seen, long[] sent, double rate, long checkpoint) {
        List<Long> created = new ArrayList<>();
        List<Long> visible = new ArrayList<>();
        for (long[] v : seen) {
            long samples = v[1];
            if (samples <= 0 || samples > sent.length) {
                continue;
            }
            long sentAt = sent[(int) samples - 1];
            created.add(v[2] - sentAt);
            visible.add(v[0] - sentAt);
        }
        System.out.printf(Locale.ROOT, "rate %.0f/s, checkpoint %d ms: %d versions seen (read_committed)%n", rate,
                checkpoint, seen.size());
        System.out.println("  record sent -> version created by the aggregator: " + percentiles(created));
        System.out.println("  record sent -> version visible on the model topic: " + percentiles(visible));
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "no versions";
        }
        long[] v = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return String.format(Locale.ROOT, "median %d ms, p90 %d ms, p99 %d ms, max %d ms (n=%d)",
                v[v.length / 2], v[(int) (v.length * 0.9)], v[Math.min(v.length - 1, (int) (v.length * 0.99))],
                v[v.length - 1], v.length);
    }
}
