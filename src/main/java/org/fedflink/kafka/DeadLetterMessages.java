package org.fedflink.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message format of dead letters on a Kafka dead-letter topic ({@code output.kafka.deadLetterTopic}),
 * versioned as {@value #FORMAT}:
 *
 * <ul>
 *   <li>key: the origin of the bad record, UTF-8 (a file name, {@code generator}, or
 *       {@code <topic>-<partition>} for a Kafka input);
 *   <li>value: {@code {"format", "job", "origin", "position", "reason", "raw"}} and, for a Kafka
 *       input, {@code "topic", "partition", "offset"}: {@code position} is the line (files), index
 *       (generator) or offset (Kafka); {@code reason} the one-line reason; {@code raw} the record as
 *       it came, as text — except that a message whose bytes are not UTF-8 carries them in base64,
 *       and its reason then ends with {@value #BASE64_NOTE}.
 * </ul>
 */
public final class DeadLetterMessages {

    public static final String FORMAT = "fedflink-dead-letter/1";

    /** How the reason of a dead letter whose raw bytes are base64 ends. */
    public static final String BASE64_NOTE = " (raw bytes in base64)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetterMessages() {}

    public static byte[] key(String origin) {
        return origin == null ? null : origin.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param kafkaOrigin whether {@code origin} is a Kafka {@code topic-partition} (then split into
     *     {@code topic} and {@code partition}, and {@code position} is the offset)
     */
    public static byte[] value(String job, String origin, long position, String reason, String raw, boolean kafkaOrigin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("job", job);
        m.put("origin", origin);
        m.put("position", position);
        m.put("reason", reason);
        m.put("raw", raw);
        int dash = origin == null ? -1 : origin.lastIndexOf('-');
        if (kafkaOrigin && dash > 0) {
            m.put("topic", origin.substring(0, dash));
            try {
                m.put("partition", Integer.parseInt(origin.substring(dash + 1)));
            } catch (NumberFormatException e) {
                m.put("partition", null);
            }
            m.put("offset", position);
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a dead letter message: " + e.getMessage(), e);
        }
    }
}
