package org.fedflink.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic administration a job or a command needs before it starts: does a topic exist, create one
 * with the right settings, and does an existing one take messages of a given size. Every failure
 * is a {@link BrokerException} with a one-line message naming the topic and the servers (never a
 * client property, which may be secret).
 */
public final class Topics implements AutoCloseable {

    /** How long one admin call may take before the brokers count as unreachable. */
    private static final long TIMEOUT_SECONDS = 15;

    private final Admin admin;
    private final String servers;

    /** @param client client properties with {@code bootstrap.servers} (and any security settings) */
    public Topics(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_SECONDS * 1000));
        // consumer and producer settings mixed in by the caller are not the admin client's business
        props.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(String.valueOf(k))
                && !String.valueOf(k).startsWith("sasl.") && !String.valueOf(k).startsWith("ssl."));
        this.servers = client.getProperty("bootstrap.servers");
        this.admin = Admin.create(props);
    }

    /** The topic's partition count, or empty when it does not exist. */
    public Optional<Integer> partitions(String topic) throws BrokerException {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Optional.of(d.get(topic).partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failure("cannot describe topic '" + topic + "'", e);
        } catch (TimeoutException | InterruptedException e) {
            throw failure("cannot describe topic '" + topic + "'", e);
        }
    }

    /**
     * Creates the topic unless it exists (the broker's default replication factor). A topic just
     * created is known to the controller before the broker answering the next call has it in its
     * metadata; this returns once the topic can be described, so callers may use it at once.
     *
     * @param configs topic configurations such as {@code max.message.bytes}
     * @return whether it was created
     */
    public boolean create(String topic, int partitions, Map<String, String> configs) throws BrokerException {
        if (partitions(topic).isPresent()) {
            return false;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitVisible(topic);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false; // created by someone else meanwhile
            }
            throw failure("cannot create topic '" + topic + "'", e);
        } catch (TimeoutException | InterruptedException e) {
            throw failure("cannot create topic '" + topic + "'", e);
        }
    }

    private void awaitVisible(String topic) throws BrokerException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (partitions(topic).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new BrokerException("topic '" + topic + "' was created on " + servers + " but is not visible after "
                        + TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(50);
        }
    }

    /**
     * The largest message the topic accepts ({@code max.message.bytes}, the topic's or the broker's default).
     */
    public long maxMessageBytes(String topic) throws BrokerException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(Set.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource);
            return Long.parseLong(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        } catch (ExecutionException | TimeoutException | InterruptedException | NumberFormatException e) {
            throw failure("cannot read the configuration of topic '" + topic + "'", e);
        }
    }

    private BrokerException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String reason = e instanceof TimeoutException ? "no answer within " + TIMEOUT_SECONDS + " s"
                : LocalKafka.rootMessage(e);
        return new BrokerException(what + " on " + servers + ": " + reason
                + (e instanceof TimeoutException || reason.contains("Timeout") ? " (is the broker running? bin/fedflink kafka status)" : ""));
    }

    @Override
    public void close() {
        admin.close();
    }
}
