package org.fedflink.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.KafkaProperties;
import org.fedflink.data.Example;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;
import org.fedflink.io.FileInput;
import org.fedflink.kafka.BrokerException;
import org.fedflink.kafka.DeadLetterMessages;
import org.fedflink.kafka.Topics;

/**
 * A Kafka topic as the job's input ({@code input.type: kafka}): a {@link KafkaSource} whose
 * deserializer parses each message's value as one row of {@code input.kafka.format} with the same
 * {@link RowParser} (fields, label names, hashing) a file row gets, so Kafka examples pass the same
 * validation and land in the same dead letters. Each record's origin is {@code topic-partition},
 * its position the offset.
 *
 * <p>Event time is the row's time field or, without one, the message's Kafka timestamp; watermarks
 * are generated per partition inside the source (bounded out-of-orderness
 * {@code input.watermarkDelayMillis}), and a partition or reader quiet for
 * {@code input.kafka.idleTimeoutMillis} is marked idle so that it does not hold event time back.
 */
final class KafkaInput {

    private KafkaInput() {}

    /** The parse options and scaling of the messages, in the shape the holdout and preprocessing code reads. */
    static FileInput describe(JobSpec spec) {
        FormatOptions options = FileInput.formatOptions(spec);
        JobSpec.ScalingSpec scaling = spec.input().scaling();
        FeatureScaler scaler = scaling.type() == JobSpec.Scaling.DIVIDE
                ? FeatureScaler.divideBy(scaling.divisor())
                : FeatureScaler.none();
        return new FileInput(options.format(), List.of(), null, options, spec.input().maxLineBytes(), 0, null, 0, scaler,
                1, null, 0, null);
    }

    /** The client properties of the input: servers, {@code input.kafka.properties}, then the environment. */
    static Properties clientProperties(JobSpec spec, Map<String, String> env) {
        JobSpec.KafkaInputSpec k = spec.input().kafka();
        try {
            return KafkaProperties.client(k.bootstrapServers(), env,
                    KafkaProperties.parse(k.properties(), "input.kafka.properties"));
        } catch (JobSpecException e) {
            throw new IllegalStateException(e.getMessage(), e); // checked when the spec was loaded
        }
    }

    /**
     * The source. Looks at the topic first, on the client: a missing topic or an unreachable
     * broker fails here, before the job is submitted.
     *
     * @throws FormatException if the topic does not exist or the brokers cannot be reached
     */
    static KafkaSource<RawRecord> source(JobSpec spec, FileInput input, Map<String, String> env) {
        JobSpec.KafkaInputSpec k = spec.input().kafka();
        Properties client = clientProperties(spec, env);
        try (Topics topics = new Topics(client)) {
            if (topics.partitions(k.topic()).isEmpty()) {
                throw new FormatException("input.kafka.topic '" + k.topic() + "' does not exist on "
                        + client.getProperty("bootstrap.servers") + " (create it, or load data into it with"
                        + " bin/fedflink produce)");
            }
        } catch (BrokerException e) {
            throw new FormatException(e.getMessage());
        }
        OffsetsInitializer start = switch (k.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case TIMESTAMP -> OffsetsInitializer.timestamp(k.startingTimestampMillis());
        };
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setTopics(k.topic())
                .setGroupId(k.groupId())
                .setClientIdPrefix("fedflink-" + spec.job())
                .setStartingOffsets(start)
                .setDeserializer(new Rows(input.options(), input.scaler(), input.maxLineBytes(),
                        k.ratePerSecond() / spec.input().parallelism()));
        if (k.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        // last, so that a property (group.id, say) or the environment wins over the keys above
        builder.setProperties(client);
        return builder.build();
    }

    /**
     * Turns a message into a {@link RawRecord}: an example (source from the row or the key, time
     * from the row or the message, scaled), or an invalid record with the reason.
     */
    static final class Rows implements KafkaRecordDeserializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;

        private final FormatOptions options;
        private final FeatureScaler scaler;
        private final int maxBytes;
        private final double ratePerSecond;
        private transient RowParser parser;
        private transient UnknownFieldsMetric unknownFields;
        private transient long startNanos;
        private transient long count;

        /** @param ratePerSecond messages per second this reader may take; 0 = no limit */
        Rows(FormatOptions options, FeatureScaler scaler, int maxBytes, double ratePerSecond) {
            if (options.format() == InputFormat.CSV && options.csvHeader()) {
                throw new IllegalArgumentException("kafka csv rows have no header");
            }
            this.options = options;
            this.scaler = scaler;
            this.maxBytes = maxBytes;
            this.ratePerSecond = ratePerSecond;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            parser = RowParsers.create(options, null);
            unknownFields = new UnknownFieldsMetric(context.getMetricGroup());
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<RawRecord> out) throws IOException {
            if (ratePerSecond > 0) {
                pace();
            }
            out.collect(toRecord(message.topic() + "-" + message.partition(), message.offset(), message.key(),
                    message.value(), message.timestamp()));
        }

        RawRecord toRecord(String origin, long offset, byte[] key, byte[] value, long timestamp) {
            if (parser == null) {
                parser = RowParsers.create(options, null);
                unknownFields = new UnknownFieldsMetric(null);
            }
            if (value == null) {
                return RawRecord.invalid(origin, offset, "", "message has no value (a tombstone)");
            }
            if (value.length > maxBytes) {
                return RawRecord.invalid(origin, offset, "", "message of " + value.length
                        + " bytes is longer than the limit of " + maxBytes + " bytes (input.maxLineBytes)");
            }
            Example e;
            try {
                e = parser.parse(value, 0, value.length);
            } catch (InvalidRecordException ex) {
                String reason = ex.getMessage();
                if (reason.startsWith("bad utf-8")) {
                    // text would lose the bytes that are the problem: keep them exactly
                    return RawRecord.invalid(origin, offset, Base64.getEncoder().encodeToString(value),
                            reason + DeadLetterMessages.BASE64_NOTE);
                }
                return RawRecord.invalid(origin, offset, new String(value, StandardCharsets.UTF_8), reason);
            } finally {
                unknownFields.update(parser.unknownFields(), origin, "offset", offset);
            }
            String source = e.source();
            if (source == null) {
                if (key == null || key.length == 0) {
                    return RawRecord.invalid(origin, offset, new String(value, StandardCharsets.UTF_8),
                            "message has no key (the source when input.fields.source is none)");
                }
                source = new String(key, StandardCharsets.UTF_8);
            }
            long time = e.timestamp() != JsonLineParser.NO_TIMESTAMP ? e.timestamp()
                    : timestamp >= 0 ? timestamp : System.currentTimeMillis();
            return RawRecord.of(origin, offset, scaler.applyToOwned(new Example(source, time, e.label(), e.indices(), e.values())));
        }

        /** Sleeps while this reader is ahead of its rate (a replay paced like a live stream). */
        private void pace() throws IOException {
            long now = System.nanoTime();
            if (count++ == 0) {
                startNanos = now;
                return;
            }
            long ahead = startNanos + (long) (count / ratePerSecond * 1e9) - now;
            if (ahead > 1_000_000L) {
                try {
                    Thread.sleep(ahead / 1_000_000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while pacing the kafka input");
                }
            }
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return RecordTypeInfo.rawRecords();
        }
    }
}
