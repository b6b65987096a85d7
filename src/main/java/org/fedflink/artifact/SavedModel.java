package org.fedflink.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;

/**
 * One published global model version, read back from a run folder and verified: the metadata
 * file {@code vNNNNNNNN.json} (or {@code latest.json}) and the parameter file it names.
 *
 * <p>The files are written by the job's model writer; the format ({@value #FORMAT}) is:
 *
 * <ul>
 *   <li>{@code format}: {@value #FORMAT}; {@code job}; {@code version}; {@code final} (true for the
 *       job's last version); {@code createdMillis}, {@code samplesInModel}, {@code metrics}, ...;
 *   <li>{@code model}: {@code type} ({@code linear}, {@code logistic}, {@code softmax},
 *       {@code mlp}), {@code features}, {@code classes} (null for linear), {@code l2},
 *       {@code hidden}, {@code numParams};
 *   <li>{@code params}: the parameter file's name, in the same folder; {@code paramsEncoding}:
 *       {@code float32-le}; {@code checksum}: {@code crc32:} and the CRC-32 of the parameter file
 *       as 8 lower-case hex digits.
 * </ul>
 *
 * {@link #load} checks all of it: the format, a model shape {@link ModelSpec} accepts, a
 * {@code numParams} equal to the shape's, a parameter file of exactly {@code 4 * numParams} bytes
 * and its checksum. So a loaded model is exactly the one the job published, or the load fails.
 *
 * <p>Record equality compares {@code params} and {@code metadata} by reference.
 *
 * @param file the metadata file it was loaded from
 * @param version the global version number
 * @param job the job's name
 * @param isFinal whether it is the job's final version
 * @param spec the model's shape
 * @param params the parameters, laid out as {@link ModelSpec} describes
 * @param metadata the whole metadata document (metrics and all)
 */
public record SavedModel(
        Path file, long version, String job, boolean isFinal, ModelSpec spec, float[] params, JsonNode metadata) {

    /** The metadata format this reads and the job's model writer writes. */
    public static final String FORMAT = "fedflink-model/1";

    /** The only parameter encoding of {@value #FORMAT}. */
    public static final String ENCODING = "float32-le";

    /**
     * The {@code model} object of the format, the shape {@link #load} reads back: what the model
     * writer publishes and what {@code models show} prints for a savepoint's version.
     */
    public static Map<String, Object> shape(ModelSpec spec) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", spec.type().name().toLowerCase(Locale.ROOT));
        model.put("features", spec.features());
        model.put("classes", spec.isClassifier() ? spec.classes() : null);
        model.put("l2", spec.l2());
        model.put("hidden", spec.hidden());
        model.put("numParams", spec.numParams());
        return model;
    }

    /**
     * The {@code parent} object of the format: the version a version was made from and the job that
     * made it (after a resume, another job than the version's own); null for a first version ({@code
     * parentVersion <= 0}).
     */
    public static Map<String, Object> parent(long parentVersion, String parentJobId) {
        if (parentVersion <= 0) {
            return null;
        }
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("version", parentVersion);
        parent.put("jobId", parentJobId);
        return parent;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 16;

    /** Parameters as a parameter file holds them: float32, little-endian ({@link #ENCODING}). */
    public static byte[] toBytes(float[] params) {
        ByteBuffer buffer = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(params);
        return buffer.array();
    }

    /** The {@code checksum} of a parameter file's bytes ({@code crc32:} and their CRC-32). */
    public static String checksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return checksum(crc.getValue());
    }

    /** The {@code checksum} of a parameter file whose CRC-32 is {@code crc32}. */
    public static String checksum(long crc32) {
        return String.format(Locale.ROOT, "crc32:%08x", crc32);
    }

    /** The file name of version {@code version}'s metadata: {@code v00000042.json}. */
    public static String fileName(long version) {
        return baseName(version) + ".json";
    }

    /** The file name of version {@code version}'s parameters: {@code v00000042.f32}. */
    public static String paramsFileName(long version) {
        return baseName(version) + ".f32";
    }

    /** {@code v00000042}: how version {@code version} names its files. */
    public static String baseName(long version) {
        return String.format(Locale.ROOT, "v%08d", version);
    }

    /**
     * Reads and verifies a model version.
     *
     * @param metadataFile a {@code vNNNNNNNN.json} or {@code latest.json}
     * @throws ArtifactException with a one-line message when the file is missing, not a model of
     *     {@value #FORMAT}, or its parameters are missing, of the wrong size or corrupt
     */
    public static SavedModel load(Path metadataFile) {
        if (!Files.isRegularFile(metadataFile)) {
            throw new ArtifactException("model file " + metadataFile
                    + (Files.exists(metadataFile) ? " is not a file" : " does not exist"));
        }
        JsonNode meta;
        try {
            meta = JSON.readTree(metadataFile.toFile());
        } catch (JsonProcessingException e) {
            throw new ArtifactException(metadataFile + " is not a model file (not JSON: "
                    + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new ArtifactException("cannot read " + metadataFile + ": " + oneLine(e.getMessage()), e);
        }
        if (meta == null || !meta.isObject()) {
            throw new ArtifactException(metadataFile + " is not a model file (not a JSON object)");
        }
        String format = meta.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new ArtifactException(metadataFile + " is not a model file (format "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected " + FORMAT + ")");
        }
        long version = requireLong(meta, "version", metadataFile);
        ModelSpec spec = spec(meta.path("model"), metadataFile);
        long numParams = requireLong(meta.path("model"), "numParams", metadataFile, "model.numParams");
        if (numParams != spec.numParams()) {
            throw new ArtifactException(metadataFile + ": model.numParams is " + numParams + " but a "
                    + describe(spec) + " has " + spec.numParams());
        }
        String encoding = meta.path("paramsEncoding").asText(ENCODING);
        if (!ENCODING.equals(encoding)) {
            throw new ArtifactException(
                    metadataFile + ": paramsEncoding '" + encoding + "' is not supported (expected " + ENCODING + ")");
        }
        String paramsName = meta.path("params").asText(null);
        if (paramsName == null || paramsName.isEmpty() || paramsName.contains("/") || paramsName.contains("\\")) {
            throw new ArtifactException(metadataFile + ": params must name the parameter file in the same folder, got "
                    + (paramsName == null ? "nothing" : "'" + paramsName + "'"));
        }
        String checksum = meta.path("checksum").asText(null);
        if (checksum == null || !checksum.matches("crc32:[0-9a-f]{8}")) {
            throw new ArtifactException(metadataFile + ": checksum must look like crc32:0123abcd, got "
                    + (checksum == null ? "nothing" : "'" + checksum + "'"));
        }
        float[] params = readParams(metadataFile.resolveSibling(paramsName), spec.numParams(), checksum);
        String job = meta.path("job").asText("");
        return new SavedModel(metadataFile, version, job, meta.path("final").asBoolean(false), spec, params, meta);
    }

    /** {@code v00000042}: the version as it names the files. */
    public String name() {
        return baseName(version);
    }

    private static ModelSpec spec(JsonNode model, Path file) {
        if (!model.isObject()) {
            throw new ArtifactException(file + ": model (the shape of the model) is missing");
        }
        String typeName = model.path("type").asText("");
        ModelType type;
        try {
            type = ModelType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(file + ": model.type '" + typeName + "' is not one of linear, logistic,"
                    + " softmax, mlp");
        }
        long features = requireLong(model, "features", file, "model.features");
        // linear regression has no classes (null); ModelSpec ignores the value for it
        long classes = model.path("classes").isNull() || model.path("classes").isMissingNode()
                ? 2 : requireLong(model, "classes", file, "model.classes");
        JsonNode l2Node = model.path("l2");
        double l2 = l2Node.isNumber() ? l2Node.doubleValue() : 0.0;
        List<Integer> hidden = new ArrayList<>();
        for (JsonNode h : model.path("hidden")) {
            if (!h.canConvertToInt()) {
                throw new ArtifactException(file + ": model.hidden must be a list of layer sizes, got " + model.path("hidden"));
            }
            hidden.add(h.intValue());
        }
        if (features > Integer.MAX_VALUE || classes > Integer.MAX_VALUE) {
            throw new ArtifactException(file + ": model shape is out of range (features " + features + ", classes "
                    + classes + ")");
        }
        try {
            return new ModelSpec(type, (int) features, (int) classes, l2, hidden);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(file + ": invalid model shape: " + e.getMessage());
        }
    }

    private static float[] readParams(Path file, int numParams, String checksum) {
        long expectedBytes = 4L * numParams;
        float[] params = new float[numParams];
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size != expectedBytes) {
                throw new ArtifactException(file + " has " + size + " bytes, expected " + expectedBytes + " ("
                        + numParams + " float32 parameters)");
            }
            byte[] chunk = new byte[CHUNK];
            ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            int next = 0;
            int pending = 0; // bytes of chunk not yet decoded (always < 4 between reads)
            int r;
            while ((r = in.read(chunk, pending, CHUNK - pending)) >= 0) {
                crc.update(chunk, pending, r);
                int available = pending + r;
                int whole = available / 4;
                if (next + whole > numParams) {
                    throw new ArtifactException(file + " grew while it was read");
                }
                buffer.clear();
                buffer.asFloatBuffer().get(params, next, whole);
                next += whole;
                pending = available - whole * 4;
                System.arraycopy(chunk, whole * 4, chunk, 0, pending);
            }
            if (next != numParams || pending != 0) {
                throw new ArtifactException(file + " shrank while it was read");
            }
        } catch (NoSuchFileException e) {
            throw new ArtifactException("parameter file " + file + " is missing");
        } catch (IOException e) {
            throw new ArtifactException("cannot read " + file + ": " + oneLine(e.getMessage()), e);
        }
        String actual = checksum(crc.getValue());
        if (!actual.equals(checksum)) {
            throw new ArtifactException(file + " is corrupt: its checksum is " + actual + ", the metadata says "
                    + checksum);
        }
        return params;
    }

    private static long requireLong(JsonNode node, String field, Path file) {
        return requireLong(node, field, file, field);
    }

    private static long requireLong(JsonNode node, String field, Path file, String name) {
        JsonNode value = node.path(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new ArtifactException(file + ": " + name + " must be a whole number >= 0, got "
                    + (value.isMissingNode() ? "nothing" : value.toString()));
        }
        return value.longValue();
    }

    static String describe(ModelSpec spec) {
        String type = spec.type().name().toLowerCase(Locale.ROOT);
        return switch (spec.type()) {
            case LINEAR, LOGISTIC -> type + " model of " + spec.features() + " features";
            case SOFTMAX -> type + " model of " + spec.features() + " features and " + spec.classes() + " classes";
            case MLP -> type + " of " + spec.features() + " features, hidden layers " + spec.hidden() + " and "
                    + spec.classes() + " classes";
        };
    }

    static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    @Override
    public String toString() {
        return "SavedModel[" + name() + " of " + job + ", " + describe(spec) + ", " + file + "]";
    }
}
