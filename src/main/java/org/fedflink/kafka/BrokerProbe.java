package org.fedflink.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * What the local broker answers through Kafka's admin client: whether it is up (for the start) and
 * which topics it holds with their offsets (for the status). The admin timeouts are short, since
 * the broker is on this machine and a person is waiting.
 */
final class BrokerProbe {

    private BrokerProbe() {}

    /**
     * Waits until the broker answers a metadata request (it then accepts produce and fetch requests).
     *
     * @param running whether the broker's process still runs: one that exited fails the wait at once
     */
    static void awaitReady(LocalKafka.Layout layout, Duration timeout, BooleanSupplier running) throws BrokerException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        String last = "no answer";
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!running.getAsBoolean()) {
                    throw new BrokerException("the kafka broker exited during the start; see " + layout.logFile()
                            + " and " + layout.outFile());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = LocalKafka.rootMessage(e);
                }
                sleep(300);
            }
        }
        throw new BrokerException("the kafka broker did not answer on " + layout.bootstrapServers() + " within "
                + timeout.toSeconds() + " s (" + last + "); see " + layout.logFile());
    }

    /**
     * The status lines of the broker's topics: partitions and offsets of each, or why the broker
     * does not answer.
     */
    static String topics(LocalKafka.Layout layout) {
        StringBuilder s = new StringBuilder();
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(props)) {
            List<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().sorted().toList();
            if (names.isEmpty()) {
                s.append("  no topics\n");
                return s.toString();
            }
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            topics.values().forEach(t -> t.partitions().forEach(p -> {
                earliest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
            }));
            var first = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var last = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<String, Long> counts = new TreeMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : last.entrySet()) {
                counts.merge(e.getKey().topic(), e.getValue().offset() - first.get(e.getKey()).offset(), Long::sum);
            }
            // offsets, not messages: a transactional topic's commit markers take offsets too
            s.append(String.format(Locale.ROOT, "  %-40s %10s %14s%n", "TOPIC", "PARTITIONS", "OFFSETS"));
            for (String name : names) {
                s.append(String.format(Locale.ROOT, "  %-40s %10d %14d%n", name, topics.get(name).partitions().size(),
                        counts.getOrDefault(name, 0L)));
            }
        } catch (Exception e) {
            s.append("  the broker does not answer: ").append(LocalKafka.rootMessage(e)).append('\n');
        }
        return s.toString();
    }

    private static void sleep(long millis) throws BrokerException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted");
        }
    }
}
