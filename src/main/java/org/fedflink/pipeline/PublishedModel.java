package org.fedflink.pipeline;

/**
 * A complete global model version as {@link ModelWriter} publishes it to a model topic: the message
 * key (the job name, {@code <job>/<task>} for a task), the version, and the message value in the
 * {@link org.fedflink.kafka.ModelMessages} format.
 */
public record PublishedModel(String key, long version, byte[] value) {}
