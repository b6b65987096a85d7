package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedflink.artifact.RunFolder;
import org.fedflink.artifact.SavedModel;

/**
 * The {@code models/} folder of a loop: each version's parameter file {@code vNNNNNNNN.f32}
 * (float32 little-endian, {@link SavedModel#ENCODING}) and metadata {@code vNNNNNNNN.json}, and
 * {@code latest.json}, a copy of the newest version's metadata. Metadata files are replaced
 * atomically, so a reader never sees half of one.
 *
 * <p>{@code latest.json} follows the newest version within {@link #LATEST_INTERVAL_MILLIS}, not at
 * every version: replacing it was two thirds of a version's file system time here (ext4 flushes a
 * file renamed over another: about 150 µs against 70 µs for the version's own two files), which
 * capped a small model's versions per second. The final version, a checkpoint
 * ({@link #flushLatest}) and the deletion of the version it shows bring it up to date.
 */
public final class VersionFiles {

    /** A version's parameter file: its name in {@code models/} and its {@code crc32:} checksum. */
    record Params(String fileName, String checksum) {}

    /** {@code latest.json} is replaced at most this often (processing time). */
    static final long LATEST_INTERVAL_MILLIS = 100;

    private final Path models;
    /** The version {@code latest.json} shows; -1 for none written by this instance. */
    private long latestVersion = -1;
    private long latestWrittenMillis = Long.MIN_VALUE;
    /** The newest version's metadata while {@code latest.json} shows an older one; else null. */
    private byte[] pendingLatest;
    private long pendingLatestVersion;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Creates the folder {@code models} if it is missing. */
    VersionFiles(Path models) throws IOException {
        this.models = Files.createDirectories(models);
    }

    /** Writes the parameter file of {@code version}. */
    Params writeParams(long version, float[] params) throws IOException {
        byte[] bytes = SavedModel.toBytes(params);
        String fileName = SavedModel.paramsFileName(version);
        Files.write(models.resolve(fileName), bytes);
        return new Params(fileName, SavedModel.checksum(bytes));
    }

    /** What the parameter file of {@code version} would be, for metadata sent without files. */
    static Params describe(long version, float[] params) {
        return new Params(SavedModel.paramsFileName(version), SavedModel.checksum(SavedModel.toBytes(params)));
    }

    /**
     * Writes the metadata of {@code version} and makes it the latest: at once if it is the final
     * version or {@link #LATEST_INTERVAL_MILLIS} have passed since {@code latest.json} was last
     * replaced, else at the next of those or {@link #flushLatest}.
     */
    void writeMetadata(long version, Map<String, Object> metadata, boolean last, long nowMillis) throws IOException {
        byte[] bytes = json.writeValueAsBytes(metadata);
        writeAtomically(models.resolve(SavedModel.fileName(version)), bytes);
        boolean due = latestWrittenMillis == Long.MIN_VALUE || nowMillis - latestWrittenMillis >= LATEST_INTERVAL_MILLIS;
        if (last || due) {
            writeLatest(version, bytes, nowMillis);
        } else {
            pendingLatest = bytes;
            pendingLatestVersion = version;
        }
    }

    /** Brings {@code latest.json} up to the newest version written (before a checkpoint and at the end). */
    void flushLatest(long nowMillis) throws IOException {
        if (pendingLatest != null) {
            writeLatest(pendingLatestVersion, pendingLatest, nowMillis);
        }
    }

    private void writeLatest(long version, byte[] metadata, long nowMillis) throws IOException {
        writeAtomically(models.resolve(RunFolder.LATEST), metadata);
        latestVersion = version;
        latestWrittenMillis = nowMillis;
        pendingLatest = null;
    }

    /** Deletes the files of {@code version}; {@code latest.json} never shows a version without them. */
    void delete(long version) throws IOException {
        if (version == latestVersion) {
            flushLatest(latestWrittenMillis);
        }
        Files.deleteIfExists(models.resolve(SavedModel.fileName(version)));
        Files.deleteIfExists(models.resolve(SavedModel.paramsFileName(version)));
    }

    /** The versions whose metadata is in the folder. */
    List<Long> versions() throws IOException {
        List<Long> out = new ArrayList<>();
        try (var files = Files.list(models)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("v\\d{8}\\.json"))
                    .forEach(name -> out.add(Long.parseLong(name.substring(1, 9))));
        }
        return out;
    }

    /**
     * Moves the files of versions after {@code restored} (left by the job this one was resumed
     * from, which went further) to {@code models/superseded/<their jobId>/}, so that {@code models/}
     * holds one line of versions, and points {@code latest.json} back at {@code restored}.
     */
    void supersedeAfter(long restored) throws IOException {
        List<Path> later = new ArrayList<>();
        for (long version : versions()) {
            if (version > restored) {
                later.add(models.resolve(SavedModel.fileName(version)));
            }
        }
        for (Path meta : later) {
            String owner = json.readTree(meta.toFile()).path("jobId").asText("unknown");
            Path target = Files.createDirectories(models.resolve("superseded").resolve(owner));
            String name = meta.getFileName().toString().replace(".json", "");
            Files.move(meta, target.resolve(meta.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Path params = models.resolve(name + ".f32");
            if (Files.exists(params)) {
                Files.move(params, target.resolve(params.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path restoredMeta = models.resolve(SavedModel.fileName(restored));
        if (!later.isEmpty() && Files.exists(restoredMeta)) {
            writeAtomically(models.resolve(RunFolder.LATEST), Files.readAllBytes(restoredMeta));
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
