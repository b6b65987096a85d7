package org.fedflink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fedflink.artifact.SavedModel;
import org.fedflink.versions.SavepointModels;

/** The metadata of a model version read from a savepoint, as {@code models show} and {@code export} write it. */
final class ModelMetadata {
    private ModelMetadata() {}

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Map<String, Object> metadata(Path snapshot, SavepointModels.Version v) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("snapshot", snapshot.toString());
        meta.put("loop", v.loop().isEmpty() ? null : v.loop());
        meta.put("version", v.version());
        if (!v.consistent()) {
            meta.put("shardVersions", v.versions());
        }
        meta.put("createdMillis", v.createdMillis() == 0 ? null : v.createdMillis());
        meta.put("samplesInModel", v.samplesInModel());
        meta.put("sourcesInModel", v.sourcesInModel());
        meta.put("rounds", v.rounds());
        meta.put("final", v.finished());
        meta.put("model", SavedModel.shape(v.model()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("prequentialAccuracy", finite(v.prequentialAccuracy()));
        metrics.put("prequentialLoss", finite(v.prequentialLoss()));
        meta.put("metrics", metrics);
        meta.put("jobId", v.jobId());
        // a shard numbers its versions one by one, across resumes too: the parent is v - 1, made by parentJobId
        meta.put("parent", SavedModel.parent(v.version() - 1, v.parentJobId()));
        meta.put("checksum", v.checksum());
        return meta;
    }

    static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    static String fmt(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "-";
    }
}
