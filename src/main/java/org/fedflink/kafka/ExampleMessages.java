package org.fedflink.kafka;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.data.JsonLineParser;

/**
 * The message format of examples on a Kafka topic, as {@code bin/fedflink produce} writes it and a
 * job with {@code input.type: kafka} and default {@code input.fields} reads it:
 *
 * <ul>
 *   <li>key: the source id, UTF-8 (so every example of a source lands in one partition, in order);
 *   <li>value: one JSON object, a JSONL row of the default field names:
 *       {@code {"source": "s0007", "time": 1700000000000, "label": 3, "features": [0, 0.5, ...]}}
 *       for dense features, {@code "indices": [...], "values": [...]} instead of {@code features}
 *       for sparse ones; {@code time} only when the row had one (the consumer then takes the
 *       message's Kafka timestamp); {@code label} the class name when the spec has
 *       {@code input.labelNames}, else the number. Whole numbers are written without a fraction
 *       ({@code 0}, {@code 255}) to keep pixel rows small;
 *   <li>timestamp: the time it was produced (a row's own time is its {@code time} field: brokers
 *       delete messages by timestamp, and historical event times would fall out of retention).
 * </ul>
 *
 * A row the file reader found invalid is sent as its raw text, so that the job's dead letters
 * show it with its reason.
 */
public final class ExampleMessages {

    private static final JsonFactory JSON = new JsonFactory();

    private ExampleMessages() {}

    /** The key of an example of {@code source}; null for null. */
    public static byte[] key(String source) {
        return source == null ? null : source.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The value of an example.
     *
     * @param labelNames the spec's {@code input.labelNames}: a class index {@code i} is written as
     *     the i-th name; empty = labels are numbers
     */
    public static byte[] value(Example example, List<String> labelNames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + example.values().length * 4);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (example.source() != null) {
                g.writeStringField("source", example.source());
            }
            if (example.timestamp() != JsonLineParser.NO_TIMESTAMP) {
                g.writeNumberField("time", example.timestamp());
            }
            g.writeFieldName("label");
            double label = example.label();
            int index = (int) label;
            if (!labelNames.isEmpty() && index == label && index >= 0 && index < labelNames.size()) {
                g.writeString(labelNames.get(index));
            } else {
                number(g, label);
            }
            if (example.isDense()) {
                g.writeArrayFieldStart("features");
                for (float v : example.values()) {
                    number(g, v);
                }
                g.writeEndArray();
            } else {
                g.writeArrayFieldStart("indices");
                for (int i : example.indices()) {
                    g.writeNumber(i);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("values");
                for (float v : example.values()) {
                    number(g, v);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whole numbers without a fraction ({@code 0}, not {@code 0.0}); others as the shortest float text. */
    private static void number(JsonGenerator g, float v) throws IOException {
        if (v == (int) v && !(v == 0 && 1 / v < 0)) {
            g.writeNumber((int) v);
        } else {
            g.writeNumber(v);
        }
    }

    private static void number(JsonGenerator g, double v) throws IOException {
        if (v == (long) v && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }
}
