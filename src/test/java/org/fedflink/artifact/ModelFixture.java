package org.fedflink.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32;
import org.fedflink.model.ModelSpec;

/**
 * Writes model versions the way the job's model writer does ({@code vNNNNNNNN.json} +
 * {@code .f32} + {@code latest.json}), for tests that need a run folder without running a job.
 * {@code PredictCommandIT} checks the real writer's files load the same way.
 */
public final class ModelFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFixture() {}

    /** Deterministic parameters in [-1, 1). */
    public static float[] params(ModelSpec spec, long seed) {
        Random random = new Random(seed);
        float[] params = new float[spec.numParams()];
        for (int i = 0; i < params.length; i++) {
            params[i] = random.nextFloat() * 2 - 1;
        }
        return params;
    }

    /** Writes version {@code version} into {@code modelsDir} and points {@code latest.json} at it. */
    public static Path writeVersion(Path modelsDir, String job, long version, ModelSpec spec, float[] params)
            throws IOException {
        Files.createDirectories(modelsDir);
        ByteBuffer buffer = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(params);
        byte[] bytes = buffer.array();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String name = String.format(Locale.ROOT, "v%08d", version);
        Files.write(modelsDir.resolve(name + ".f32"), bytes);
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", "fedflink-model/1");
        meta.put("job", job);
        meta.put("version", version);
        meta.put("final", false);
        meta.put("createdMillis", 1_700_000_000_000L + version);
        meta.put("samplesInModel", 10 * version);
        ObjectNode model = meta.putObject("model");
        model.put("type", spec.type().name().toLowerCase(Locale.ROOT));
        model.put("features", spec.features());
        if (spec.isClassifier()) {
            model.put("classes", spec.classes());
        } else {
            model.putNull("classes");
        }
        model.put("l2", spec.l2());
        var hidden = model.putArray("hidden");
        spec.hidden().forEach(hidden::add);
        model.put("numParams", spec.numParams());
        meta.putObject("metrics").putNull("holdoutAccuracy");
        meta.put("params", name + ".f32");
        meta.put("paramsEncoding", "float32-le");
        meta.put("checksum", String.format(Locale.ROOT, "crc32:%08x", crc.getValue()));
        Path file = modelsDir.resolve(name + ".json");
        JSON.writeValue(file.toFile(), meta);
        JSON.writeValue(modelsDir.resolve("latest.json").toFile(), meta);
        return file;
    }
}
