package org.fedflink.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.FileDataset;
import org.fedflink.data.RowOrder;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;

/**
 * Loads an input into a Kafka topic, one message per row in the {@link ExampleMessages} format: a
 * file input is read exactly as a job with that input would read it ({@link FileInput}: any
 * format, its partition into simulated sources, its passes and shuffle), so a Kafka job on the
 * topic sees the same examples with the same sources; the generator's examples (malformed ones
 * included) are sent as the generator makes them. Feature scaling is left to the job.
 */
public final class FileProducer {

    /**
     * One message: key, value and whether it is an invalid row. Its Kafka timestamp is the time it is
     * sent, never the row's own time (which stays in the value): a broker deletes messages by
     * timestamp, and historical event times would fall out of retention at once.
     */
    private record Message(byte[] key, byte[] value, boolean invalid) {}

    /** The messages of an input, by position. */
    private interface Input extends AutoCloseable {
        long count();

        Message at(long i);

        @Override
        void close() throws IOException;
    }

    /**
     * What was sent.
     *
     * @param records messages sent (acknowledged by the broker)
     * @param invalid of which rows the file reader found invalid, sent as their raw text
     * @param bytes value bytes sent
     * @param seconds wall time
     */
    public record Result(long records, long invalid, long bytes, double seconds) {
        public double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    /** How to send. */
    public record Options(int partitions, long limit, double ratePerSecond, PrintStream progress, boolean terminal) {}

    private FileProducer() {}

    /**
     * Sends the input of {@code spec} (a file input, or the generator) to {@code topic}, creating
     * the topic with {@code options.partitions()} partitions if it does not exist.
     *
     * @param client producer properties with {@code bootstrap.servers}
     * @throws BrokerException if the topic cannot be created or a message is refused
     * @throws org.fedflink.data.FormatException if a file is not its declared format
     */
    public static Result produce(JobSpec spec, String topic, Properties client, Options options)
            throws BrokerException, IOException {
        try (Topics topics = new Topics(client)) {
            if (topics.create(topic, options.partitions(), Map.of())) {
                say(options, "created topic '" + topic + "' with " + options.partitions() + " partitions");
            }
        }
        if (!spec.input().isFile()) {
            try (Input input = generated(spec)) {
                return send(input, topic, client, options);
            }
        }
        Path scratch = Files.createTempDirectory("fedflink-produce");
        try (Input input = file(spec, FileInput.prepare(spec, scratch))) {
            return send(input, topic, client, options);
        } finally {
            try (Stream<Path> paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Writes the generator's holdout set of {@code spec} ({@code evaluation.holdout} examples, the
     * ones a generator job scores on) to {@code file} as JSON lines of the message format, to be
     * the {@code evaluation.holdoutPath} of a Kafka job on the generator's data.
     *
     * @return the number of examples written
     */
    public static int writeHoldout(JobSpec spec, Path file) throws IOException {
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(spec));
        StringBuilder text = new StringBuilder();
        List<Example> holdout = generator.holdout(spec.evaluation().holdout());
        for (Example e : holdout) {
            text.append(new String(ExampleMessages.value(e.withSource("holdout"), spec.input().labelNames()),
                    StandardCharsets.UTF_8)).append('\n');
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, text);
        return holdout.size();
    }

    /** The rows of a prepared file input in the job's order, with their simulated sources. */
    private static Input file(JobSpec spec, FileInput input) throws IOException {
        JobSpec.InputSpec in = spec.input();
        RowOrder order = new RowOrder(input.rows(), in.passes(), in.shuffle(), spec.seed());
        String[] sourceNames = new String[input.sources()];
        for (int s = 0; s < sourceNames.length; s++) {
            sourceNames[s] = input.sourceName(s);
        }
        FileDataset dataset = input.open();
        return new Input() {
            @Override
            public long count() {
                return input.rows() * in.passes();
            }

            @Override
            public Message at(long i) {
                long row = order.rowAt(i);
                FileDataset.Parsed parsed = dataset.read(row);
                String source = input.sourceOfRow() != null ? sourceNames[input.sourceOfRow()[(int) row]] : null;
                if (!parsed.valid()) {
                    return new Message(ExampleMessages.key(source),
                            (parsed.text() == null ? "" : parsed.text()).getBytes(StandardCharsets.UTF_8), true);
                }
                Example e = parsed.example();
                Example placed = source == null ? e : e.withSource(source);
                return new Message(ExampleMessages.key(placed.source()), ExampleMessages.value(placed, in.labelNames()),
                        false);
            }

            @Override
            public void close() throws IOException {
                dataset.close();
            }
        };
    }

    /** The generator's records, malformed ones as the raw text it makes. */
    private static Input generated(JobSpec spec) {
        SyntheticGenerator generator = new SyntheticGenerator(Generators.config(spec));
        List<String> labelNames = spec.input().labelNames();
        return new Input() {
            @Override
            public long count() {
                return spec.input().generator().examples();
            }

            @Override
            public Message at(long i) {
                if (generator.isCorrupt(i)) {
                    return new Message(null, generator.corruptLine(i).getBytes(StandardCharsets.UTF_8), true);
                }
                Example e = generator.example(i);
                return new Message(ExampleMessages.key(e.source()), ExampleMessages.value(e, labelNames), false);
            }

            @Override
            public void close() {}
        };
    }

    private static Result send(Input input, String topic, Properties client, Options options) throws BrokerException {
        Properties props = new Properties();
        props.putAll(client);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(32 << 20));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long total = Math.min(input.count(), options.limit() > 0 ? options.limit() : Long.MAX_VALUE);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long invalid = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long lastProgress = start;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < total && failure.get() == null; i++) {
                Message m = input.at(i);
                invalid += m.invalid() ? 1 : 0;
                bytes += m.value().length;
                producer.send(new ProducerRecord<>(topic, m.key(), m.value()), (meta, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                long now = System.nanoTime();
                if (options.ratePerSecond() > 0) {
                    long due = start + (long) ((i + 1) / options.ratePerSecond() * 1e9);
                    if (due > now) {
                        sleepNanos(due - now);
                    }
                }
                if (options.progress() != null
                        && now - lastProgress > (options.terminal() ? 250_000_000L : 5_000_000_000L)) {
                    lastProgress = now;
                    progress(options, topic, i + 1, total, start, now);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new BrokerException("sending to topic '" + topic + "' on " + client.getProperty("bootstrap.servers")
                    + " failed after " + acked.get() + " messages: " + LocalKafka.rootMessage(failure.get()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (options.progress() != null) {
            progress(options, topic, total, total, start, System.nanoTime());
            if (options.terminal()) {
                options.progress().println();
            }
        }
        return new Result(acked.get(), invalid, bytes, seconds);
    }

    /** {@code [#####.....]  42% 25,200/60,000 messages, 12,345/s} — one line, redrawn in place on a terminal. */
    private static void progress(Options options, String topic, long done, long total, long start, long now) {
        double fraction = total == 0 ? 1 : (double) done / total;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        double rate = done / Math.max(1e-9, (now - start) / 1e9);
        String line = String.format(Locale.ROOT, "[%s%s] %3.0f%% %,d/%,d messages to %s, %,.0f/s",
                "#".repeat(filled), ".".repeat(width - filled), fraction * 100, done, total, topic, rate);
        if (options.terminal()) {
            options.progress().print("\r" + line);
            options.progress().flush();
        } else {
            options.progress().println(line);
        }
    }

    private static void say(Options options, String line) {
        if (options.progress() != null) {
            options.progress().println(line);
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
