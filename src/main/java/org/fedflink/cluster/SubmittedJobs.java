package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The jobs submitted to a local cluster, one {@code jobs/JOB_ID.json} per job in the cluster folder
 * ({@code job}, {@code runFolder}, {@code spec}, {@code submittedMillis}). Flink does not know a
 * job's run folder: {@code stop --savepoint} without a directory reads it here to put the savepoint
 * in the run folder's {@code savepoints/}, next to its checkpoints.
 */
public final class SubmittedJobs {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    /** The records of the cluster whose folder is {@code clusterFolder}. */
    public SubmittedJobs(Path clusterFolder) {
        this.dir = clusterFolder.resolve("jobs");
    }

    /** Records a submitted job. */
    public void record(String jobId, String job, Path runFolder, Path spec) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve(jobId + ".json").toFile(), JSON.createObjectNode()
                .put("jobId", jobId)
                .put("job", job)
                .put("runFolder", runFolder.toAbsolutePath().normalize().toString())
                .put("spec", spec == null ? null : spec.toAbsolutePath().normalize().toString())
                .put("submittedMillis", System.currentTimeMillis()));
    }

    /** The run folder of a job submitted to this cluster, if it was recorded. */
    public Optional<Path> runFolder(String jobId) {
        Path file = dir.resolve(jobId + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node.hasNonNull("runFolder") ? Optional.of(Path.of(node.path("runFolder").asText())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
