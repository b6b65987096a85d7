package org.fedflink.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.KafkaProperties;
import org.fedflink.data.FormatException;
import org.fedflink.kafka.BrokerException;
import org.fedflink.kafka.DeadLetterMessages;
import org.fedflink.kafka.ModelMessages;
import org.fedflink.kafka.Topics;
import org.fedflink.model.ModelSpec;

/**
 * The job's Kafka outputs ({@code output.kafka}): the model topic, which receives every global
 * version from {@link ModelWriter}, and the dead-letter topic. Both are exactly-once
 * {@link KafkaSink}s: records go out in Kafka transactions that commit when the checkpoint they
 * belong to completes, so a {@code read_committed} consumer never sees what a failure rolled back
 * (and sees each record after at most a checkpoint interval).
 */
final class KafkaOutputs {

    /** Producer transaction timeout unless the properties set one: under the broker's default maximum (15 min). */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaOutputs() {}

    /**
     * The producer properties: the output servers; {@code input.kafka.properties} too when the
     * outputs go to the input's brokers (security settings are then the same); then
     * {@code output.kafka.properties}; then the environment.
     */
    static Properties clientProperties(JobSpec spec, Map<String, String> env) {
        JobSpec.KafkaOutputSpec out = spec.output().kafka();
        try {
            Map<String, String> input = spec.input().isKafka()
                    && spec.input().kafka().bootstrapServers().equals(out.bootstrapServers())
                    ? KafkaProperties.parse(spec.input().kafka().properties(), "input.kafka.properties")
                    : Map.of();
            // consumer-only settings of the input would only draw "unused property" warnings
            input = new LinkedHashMap<>(input);
            input.keySet().removeIf(k -> k.equals("group.id") || k.startsWith("auto.") || k.startsWith("fetch.")
                    || k.equals("isolation.level") || k.startsWith("partition.discovery") || k.startsWith("max.poll"));
            return KafkaProperties.client(out.bootstrapServers(), env, input,
                    KafkaProperties.parse(out.properties(), "output.kafka.properties"));
        } catch (JobSpecException e) {
            throw new IllegalStateException(e.getMessage(), e); // checked when the spec was loaded
        }
    }

    /**
     * Creates the output topics that do not exist (one partition each: versions and dead letters
     * stay in order) and checks that the model topic takes a version of this model.
     *
     * @return the model message size to allow the producer ({@code max.request.size})
     * @throws FormatException if the brokers cannot be reached or the model topic is too small
     */
    static long prepareTopics(JobSpec spec, ModelSpec model, Properties client) {
        JobSpec.KafkaOutputSpec out = spec.output().kafka();
        long messageBytes = Math.max(1 << 20, ModelMessages.maxSize(model.numParams()));
        try (Topics topics = new Topics(client)) {
            if (out.modelTopic() != null) {
                topics.create(out.modelTopic(), 1,
                        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(messageBytes)));
                long allowed = topics.maxMessageBytes(out.modelTopic());
                if (allowed < ModelMessages.maxSize(model.numParams())) {
                    throw new FormatException("output.kafka.modelTopic '" + out.modelTopic() + "' takes messages of up"
                            + " to " + allowed + " bytes, but a version of this model (" + model.numParams()
                            + " parameters) needs about " + ModelMessages.maxSize(model.numParams())
                            + "; raise the topic's max.message.bytes");
                }
            }
            if (out.deadLetterTopic() != null) {
                topics.create(out.deadLetterTopic(), 1, Map.of());
            }
        } catch (BrokerException e) {
            throw new FormatException(e.getMessage());
        }
        return messageBytes;
    }

    /** The model topic's sink; {@code name} tells the loop's sink apart in transactional ids. */
    static KafkaSink<PublishedModel> modelSink(JobSpec spec, Properties client, long messageBytes, String name) {
        String topic = spec.output().kafka().modelTopic();
        Properties props = producer(client);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(messageBytes));
        return KafkaSink.<PublishedModel>builder()
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalId(spec, name))
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setRecordSerializer(KafkaRecordSerializationSchema.<PublishedModel>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(new ModelKey())
                        .setValueSerializationSchema(new ModelValue())
                        .build())
                .build();
    }

    /**
     * The dead-letter topic's sink.
     *
     * @param kafkaOrigins whether dead letters come from a Kafka input (origins are {@code topic-partition})
     */
    static KafkaSink<DeadLetter> deadLetterSink(JobSpec spec, Properties client, boolean kafkaOrigins, String name) {
        String topic = spec.output().kafka().deadLetterTopic();
        String job = spec.job();
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(producer(client))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalId(spec, name))
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setRecordSerializer(KafkaRecordSerializationSchema.<DeadLetter>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(new LetterKey())
                        .setValueSerializationSchema(new LetterValue(job, kafkaOrigins))
                        .build())
                .build();
    }

    private static Properties producer(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** {@code <prefix>-<name>}, with characters other than letters, digits, '.', '_' and '-' as '_'. */
    private static String transactionalId(JobSpec spec, String name) {
        return spec.output().kafka().transactionalIdPrefix() + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // Named classes rather than lambdas: Flink infers the element type of a serialization schema
    // from its class, which a lambda does not carry.

    private static final class ModelKey implements SerializationSchema<PublishedModel> {
        @Override
        public byte[] serialize(PublishedModel model) {
            return model.key().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final class ModelValue implements SerializationSchema<PublishedModel> {
        @Override
        public byte[] serialize(PublishedModel model) {
            return model.value();
        }
    }

    private static final class LetterKey implements SerializationSchema<DeadLetter> {
        @Override
        public byte[] serialize(DeadLetter letter) {
            return DeadLetterMessages.key(letter.origin());
        }
    }

    private static final class LetterValue implements SerializationSchema<DeadLetter> {
        private final String job;
        private final boolean kafkaOrigins;

        LetterValue(String job, boolean kafkaOrigins) {
            this.job = job;
            this.kafkaOrigins = kafkaOrigins;
        }

        @Override
        public byte[] serialize(DeadLetter letter) {
            return DeadLetterMessages.value(job, letter.origin(), letter.position(), letter.reason(), letter.raw(),
                    kafkaOrigins);
        }
    }
}
