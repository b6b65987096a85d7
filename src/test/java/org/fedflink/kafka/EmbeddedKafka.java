package org.fedflink.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-process single-node KRaft broker for tests ({@link KafkaClusterTestKit}), with helpers to
 * create topics, send raw messages and read a topic back as a {@code read_committed} consumer.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /**
     * The user and password of a SASL/PLAIN broker: the test kit's JAAS file defines them, and its
     * authorizer lets this (super) user do anything.
     */
    public static final String SASL_USER = JaasUtils.KAFKA_PLAIN_ADMIN;
    public static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    private final KafkaClusterTestKit cluster;
    private final boolean sasl;

    private EmbeddedKafka(KafkaClusterTestKit cluster, boolean sasl) {
        this.cluster = cluster;
        this.sasl = sasl;
    }

    /** A plaintext broker. */
    public static EmbeddedKafka start() throws Exception {
        return start(false);
    }

    /** @param sasl whether clients must authenticate with SASL/PLAIN ({@link #SASL_USER}, {@link #SASL_PASSWORD}) */
    public static EmbeddedKafka start(boolean sasl) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1);
        if (sasl) {
            // the controller listener too: the broker then registers as the test kit's super user
            nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        }
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("transaction.max.timeout.ms", "3600000")
                .setConfigProp("num.partitions", "4")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster, sasl);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The client properties a job needs besides the servers (SASL settings for a SASL broker). */
    public List<String> clientProperties() {
        if (!sasl) {
            return List.of();
        }
        return List.of("security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + SASL_USER + "\" password=\"" + SASL_PASSWORD + "\";");
    }

    /** {@link #clientProperties()} with the servers, as properties. */
    public Properties client() {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapServers());
        for (String p : clientProperties()) {
            int eq = p.indexOf('=');
            props.setProperty(p.substring(0, eq), p.substring(eq + 1));
        }
        return props;
    }

    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(client())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends messages (key may be null) to one partition, in order; a null partition lets Kafka choose by key. */
    public void send(String topic, Integer partition, List<Map.Entry<String, byte[]>> messages) throws Exception {
        Properties props = client();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (Map.Entry<String, byte[]> m : messages) {
                byte[] key = m.getKey() == null ? null : m.getKey().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, partition, key, m.getValue())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Reads a topic from the beginning as a {@code read_committed} consumer until {@code done}
     * holds for what was read, or {@code timeout} passes.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return read(client(), topic, timeout, done);
    }

    /** {@link #readCommitted} against any brokers. */
    public static List<ConsumerRecord<byte[], byte[]>> read(
            Properties client, String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
