package org.fedflink.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.fedflink.config.JobSpec;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.io.NameOrderSplitAssigner;
import org.fedflink.io.OrderedSource;
import org.fedflink.io.RecordSequence;

/**
 * The readers of the input, one source operator of the input's type (the generator, files read in
 * order or monitored, a Kafka topic), and the event time and watermarks each record leaves its
 * reader with.
 */
final class InputSources {

    private InputSources() {}

    /** How far in event time, beyond {@code input.watermarkDelayMillis}, parallel readers may drift apart. */
    static final long ALIGNMENT_SLACK_MILLIS = 1000;
    /**
     * How often parallel readers compare their watermarks. A reader that runs past the allowed
     * drift pauses until the next comparison, so at 200 ms (Flink's usual) two readers of a fast
     * file input spent half their time paused: 73k ex/s against 145k for one reader; at 20 ms,
     * 131k (logistic, 2 trainers, 2 readers, BENCHMARKS.md).
     */
    private static final long ALIGNMENT_UPDATE_MILLIS = 20;

    /** The input's raw records from {@code readers} readers, whose uids and names begin with {@code prefix}. */
    static DataStream<RawRecord> rawRecords(
            StreamExecutionEnvironment env, JobSpec spec, FileInput files, String prefix, int readers) {
        WatermarkStrategy<RawRecord> watermarks = watermarks(spec, prefix, readers);
        switch (spec.input().type()) {
            case GENERATOR: {
                RecordSequence<RawRecord> records = sequence(spec, files);
                return env.fromSource(
                                new OrderedSource<>(records, readers, ratePerSecond(spec),
                                        RecordTypeInfo.rawRecords()),
                                watermarks, "generator")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: generator");
            }
            case KAFKA: {
                return env.fromSource(KafkaInput.source(spec, files, System.getenv()), watermarks, "kafka")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: kafka " + spec.input().kafka().topic());
            }
            default: {
                JobSpec.InputSpec input = spec.input();
                if (input.monitor()) {
                    FileSource<RawRecord> monitored = FileSource.forBulkFileFormat(
                                    new MonitoredRows(files.options(), files.maxLineBytes(), files.scaler(),
                                            files.sources(), spec.seed()),
                                    new org.apache.flink.core.fs.Path(Path.of(input.path()).toAbsolutePath().toUri()))
                            .monitorContinuously(Duration.ofMillis(input.monitorIntervalMillis()))
                            .setSplitAssigner(NameOrderSplitAssigner::new)
                            .build();
                    return env.fromSource(monitored, watermarks, "files")
                            .setParallelism(readers)
                            .uid(prefix + "examples-source")
                            .name(prefix + "examples: " + input.path() + " (monitored)");
                }
                RecordSequence<RawRecord> records = sequence(spec, files);
                return env.fromSource(new OrderedSource<>(records, readers, ratePerSecond(spec),
                                RecordTypeInfo.rawRecords()),
                                watermarks, "files")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: " + input.path());
            }
        }
    }

    /**
     * Event time from each example (else the time its reader gave the record, such as a Kafka
     * message's), watermarks {@code input.watermarkDelayMillis} behind the newest; several readers
     * are kept within {@link #ALIGNMENT_SLACK_MILLIS} of that delay of each other (Flink's watermark
     * alignment), so that splitting the input by source does not let one reader run ahead in time.
     */
    static WatermarkStrategy<RawRecord> watermarks(JobSpec spec, String prefix, int readers) {
        long delay = spec.input().watermarkDelayMillis();
        WatermarkStrategy<RawRecord> strategy = WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(
                        Duration.ofMillis(delay))
                .withTimestampAssigner((record, readerTimestamp) ->
                        record.example() != null ? record.example().timestamp() : readerTimestamp);
        if (spec.input().isKafka() && spec.input().kafka().idleTimeoutMillis() > 0) {
            strategy = strategy.withIdleness(Duration.ofMillis(spec.input().kafka().idleTimeoutMillis()));
        }
        if (readers > 1) {
            strategy = strategy.withWatermarkAlignment(spec.job() + "/" + prefix + "input",
                    Duration.ofMillis(delay + ALIGNMENT_SLACK_MILLIS), Duration.ofMillis(ALIGNMENT_UPDATE_MILLIS));
        }
        return strategy;
    }

    /** At most how many records per second a numbered sequence is read at; 0: unlimited. */
    static double ratePerSecond(JobSpec spec) {
        return spec.input().type() == JobSpec.InputType.GENERATOR
                ? spec.input().generator().ratePerSecond()
                : spec.input().ratePerSecond();
    }

    /**
     * The input as a numbered sequence, for the generator and files read in order (not a monitored
     * directory, not Kafka): what readers read, or trainers that read their own input.
     */
    static RecordSequence<RawRecord> sequence(JobSpec spec, FileInput files) {
        JobSpec.InputSpec input = spec.input();
        if (input.type() == JobSpec.InputType.GENERATOR) {
            return new GeneratedRecords(new SyntheticGenerator(Generators.config(spec)), input.generator().examples());
        }
        if (input.isKafka() || input.monitor()) {
            throw new IllegalArgumentException("a Kafka topic or a monitored directory is not a numbered sequence");
        }
        return new FileRecords(files, input.passes(), input.shuffle(), spec.seed(), input.startTimeMillis(),
                input.eventIntervalMillis());
    }

    /** The generator's stream as a sequence: position {@code i} is example {@code i}, grouped by its source. */
    private static final class GeneratedRecords implements RecordSequence<RawRecord> {
        private static final long serialVersionUID = 1L;

        private final SyntheticGenerator generator;
        private final long count;
        private transient SourceKeyGroups sourceKeyGroups;

        GeneratedRecords(SyntheticGenerator generator, long count) {
            this.generator = generator;
            this.count = count;
        }

        @Override
        public long size() {
            return count;
        }

        @Override
        public void open(MetricGroup metrics) {}

        @Override
        public int groupOf(long position, int groups) {
            return generator.sourceIndex(position) % groups;
        }

        @Override
        public boolean knowsSources() {
            return true;
        }

        @Override
        public int keyGroupOf(long position, int maxParallelism) {
            if (sourceKeyGroups == null) {
                sourceKeyGroups = new SourceKeyGroups(generator.config().sources(), generator::sourceName);
            }
            return sourceKeyGroups.of(generator.sourceIndex(position), maxParallelism);
        }

        @Override
        public RawRecord read(long position) {
            return generator.isCorrupt(position)
                    ? RawRecord.text("generator", position, generator.corruptLine(position))
                    : RawRecord.of("generator", position, generator.example(position));
        }

        @Override
        public long timestamp(RawRecord record) {
            return generator.timestamp(record.position());
        }

        @Override
        public void close() {}
    }
}
