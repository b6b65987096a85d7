package org.fedflink.quality;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The completion record of a prepared dataset folder, {@value #FILE}: written last, after every
 * file, so a folder without it (or with one for other settings) is incomplete and made again. It
 * holds the settings the folder was made for, the mode, the files (names relative to the folder),
 * the facts and the reference figures, so a reused folder answers exactly what making it answered.
 *
 * <p>Format version {@value #VERSION}; a record of another version is not reused ("Unknown
 * version" is simply a folder to make again: it holds data, never state that must survive).
 */
final class PreparedFolder {

    /** The name of the completion record in a dataset folder. */
    static final String FILE = "prepared.json";

    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PreparedFolder() {}

    /** Makes a dataset's files into a folder that has no completion record (any older one removed). */
    @FunctionalInterface
    interface Maker {
        /** @return the files (in {@code dir}), the facts and the reference made */
        PreparedDataset make(Path dir) throws IOException;
    }

    /**
     * The dataset of a completed folder for these settings and mode ({@link #load}), or else the
     * folder made again: the old completion record removed, {@code maker} run, the new record
     * written ({@link #save}). What is returned is read back from the record either way.
     */
    static PreparedDataset reuseOrMake(Path dir, String settings, boolean quick, Maker maker) throws IOException {
        Path folder = dir.toAbsolutePath().normalize();
        PreparedDataset done = load(folder, settings, quick);
        if (done != null) {
            return done;
        }
        Files.createDirectories(folder);
        Files.deleteIfExists(folder.resolve(FILE));
        return save(folder, settings, quick, maker.make(folder));
    }

    /**
     * The dataset a completed folder holds, or null when the folder is missing, incomplete, of
     * another format version, made for other settings or the other mode, or a file it names is gone.
     *
     * @param settings what the source was asked to make (its {@code toString}: every setting)
     */
    private static PreparedDataset load(Path dir, String settings, boolean quick) throws IOException {
        Path record = dir.resolve(FILE);
        if (!Files.isRegularFile(record)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(record.toFile());
        } catch (IOException e) {
            return null; // a torn or hand-edited record: make the folder again
        }
        if (root.path("version").asInt() != VERSION || !settings.equals(root.path("settings").asText())
                || root.path("quick").asBoolean() != quick) {
            return null;
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (var it = root.path("files").fields(); it.hasNext(); ) {
            var entry = it.next();
            Path file = dir.resolve(entry.getValue().asText());
            if (!Files.isRegularFile(file)) {
                return null;
            }
            files.put(entry.getKey(), file);
        }
        Map<String, Object> facts = JSON.convertValue(root.path("facts"), new TypeReference<LinkedHashMap<String, Object>>() {});
        ReferenceResult reference = null;
        JsonNode ref = root.path("reference");
        if (ref.isObject()) {
            Map<String, Double> figures = JSON.convertValue(ref.path("figures"),
                    new TypeReference<LinkedHashMap<String, Double>>() {});
            reference = new ReferenceResult(ref.path("learner").asText(), figures);
        }
        return new PreparedDataset(files, facts == null ? Map.of() : facts, reference);
    }

    /**
     * Writes the completion record (atomically: a temporary file moved into place) and returns the
     * dataset as {@link #load} will read it back, so a fresh and a reused folder answer alike.
     */
    private static PreparedDataset save(Path dir, String settings, boolean quick, PreparedDataset made) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("settings", settings);
        root.put("quick", quick);
        ObjectNode files = root.putObject("files");
        made.files().forEach((name, file) -> files.put(name, dir.relativize(file.toAbsolutePath().normalize()).toString()));
        root.set("facts", JSON.valueToTree(made.facts()));
        if (made.reference() != null) {
            ObjectNode ref = root.putObject("reference");
            ref.put("learner", made.reference().learner());
            ref.set("figures", JSON.valueToTree(made.reference().figures()));
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        PreparedDataset saved = load(dir, settings, quick);
        if (saved == null) {
            throw new IOException("cannot read back " + dir.resolve(FILE));
        }
        return saved;
    }
}
