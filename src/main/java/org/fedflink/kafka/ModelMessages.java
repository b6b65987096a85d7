package org.fedflink.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fedflink.artifact.SavedModel;

/**
 * The message format of global model versions on a Kafka model topic ({@code output.kafka.modelTopic}),
 * versioned as {@value #FORMAT}:
 *
 * <ul>
 *   <li>key: the job name, UTF-8 ({@code <job>/<task>} for a task of a multi-task job);
 *   <li>value: one JSON object, the version's metadata exactly as {@code models/vNNNNNNNN.json} in
 *       the run folder holds it ({@code job}, {@code version}, {@code final}, {@code createdMillis},
 *       {@code samplesInModel}, {@code sourcesInModel}, {@code rounds}, {@code shards}, {@code jobId},
 *       {@code parent}, {@code model} (type, features, classes, l2, hidden, numParams),
 *       {@code metrics}, {@code checksum}), except that {@code format} is {@value #FORMAT},
 *       {@code params} holds the parameters themselves, base64 of float32 little-endian in the
 *       layout of the model type ({@code paramsEncoding} {@value #ENCODING}; {@code checksum} is the
 *       CRC32 of the decoded bytes), and {@code loopId} names the learning loop that made it;
 *   <li>timestamp: the time the version was published.
 * </ul>
 *
 * Versions of one job come in increasing order without duplicates to a {@code read_committed}
 * consumer (the model topic has one partition and is written in transactions). A job resumed
 * from an older savepoint continues numbering from there, with a new {@code jobId}.
 */
public final class ModelMessages {

    /** The value's format: a reader refuses any other. */
    public static final String FORMAT = "fedflink-model-message/1";

    /** How {@code params} is encoded. */
    public static final String ENCODING = "float32-le-base64";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelMessages() {}

    /**
     * A version's message value.
     *
     * @param metadata the version's metadata (what {@code models/vN.json} holds)
     * @param params the parameters
     * @param loopId the learning loop that made the version
     */
    public static byte[] value(Map<String, Object> metadata, float[] params, String loopId) {
        byte[] bytes = SavedModel.toBytes(params);
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put("format", FORMAT);
        m.put("loopId", loopId);
        m.put("params", Base64.getEncoder().encodeToString(bytes));
        m.put("paramsEncoding", ENCODING);
        m.put("checksum", SavedModel.checksum(bytes));
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a model message: " + e.getMessage(), e);
        }
    }

    /** The size of a version's message for {@code numParams} parameters, with room for the metadata. */
    public static long maxSize(long numParams) {
        return (numParams * 4 + 2) / 3 * 4 + 64 * 1024;
    }

    /**
     * A decoded version.
     *
     * @param metadata the value without {@code params}
     * @param params the parameters
     */
    public record Version(JsonNode metadata, float[] params) {
        public String job() {
            return metadata.path("job").asText();
        }

        public long version() {
            return metadata.path("version").asLong();
        }

        public boolean last() {
            return metadata.path("final").asBoolean();
        }

        public String loopId() {
            return metadata.path("loopId").asText(null);
        }
    }

    /**
     * Reads a message value.
     *
     * @throws IllegalArgumentException (one line) if it is not a {@value #FORMAT} message, or its
     *     parameters do not match their checksum or the model's size
     */
    public static Version parse(byte[] value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a model message (not JSON)");
        }
        return parse(node);
    }

    /** {@link #parse(byte[])} of a parsed value. */
    public static Version parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a model message (not a JSON object)");
        }
        String format = node.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("not a model message (format " + (format == null ? "missing"
                    : "'" + format + "'") + ", expected " + FORMAT + ")");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(node.path("params").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model message version " + node.path("version").asLong()
                    + ": params are not base64");
        }
        long numParams = node.path("model").path("numParams").asLong(-1);
        if (bytes.length % 4 != 0 || (numParams >= 0 && bytes.length != numParams * 4)) {
            throw new IllegalArgumentException("model message version " + node.path("version").asLong() + ": "
                    + bytes.length + " parameter bytes, expected " + numParams * 4);
        }
        String checksum = SavedModel.checksum(bytes);
        if (!checksum.equals(node.path("checksum").asText())) {
            throw new IllegalArgumentException("model message version " + node.path("version").asLong()
                    + ": checksum " + checksum + " does not match " + node.path("checksum").asText());
        }
        float[] params = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(params);
        ObjectNode metadata = ((ObjectNode) node).deepCopy();
        metadata.remove("params");
        return new Version(metadata, params);
    }
}
