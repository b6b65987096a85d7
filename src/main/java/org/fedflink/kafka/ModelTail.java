package org.fedflink.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a model topic as a {@code read_committed} consumer (it sees only versions whose
 * transaction committed, never one a failure rolled back), handing each version to a callback.
 * No consumer group offsets are committed: every tail starts where its options say.
 */
public final class ModelTail {

    /**
     * What to follow.
     *
     * @param key only versions with this message key (a job name, or {@code <job>/<task>}); null = all
     * @param fromBeginning start at the topic's first message rather than its end
     * @param max stop after this many versions; 0 = never
     * @param idle stop when no version came for this long; null = never
     */
    public record Options(String key, boolean fromBeginning, long max, Duration idle) {}

    /** A version as it came: message key, offset, timestamp and the decoded version (or why it is not one). */
    public record Received(String key, long offset, long timestamp, ModelMessages.Version version, String problem) {}

    private ModelTail() {}

    /**
     * Follows {@code topic} until {@code options} say stop.
     *
     * @return the number of versions handed over
     */
    public static long follow(Properties client, String topic, Options options, Consumer<Received> onVersion) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.fromBeginning() ? "earliest" : "latest");
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "fedflink-models-tail-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long count = 0;
        long lastMessage = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (options.max() <= 0 || count < options.max()) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (options.key() != null && !options.key().equals(key)) {
                        continue;
                    }
                    lastMessage = System.nanoTime();
                    ModelMessages.Version version = null;
                    String problem = null;
                    try {
                        version = ModelMessages.parse(r.value());
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                    onVersion.accept(new Received(key, r.offset(), r.timestamp(), version, problem));
                    count++;
                    if (options.max() > 0 && count >= options.max()) {
                        break;
                    }
                }
                if (options.idle() != null && System.nanoTime() - lastMessage > options.idle().toNanos()) {
                    break;
                }
            }
        }
        return count;
    }
}
