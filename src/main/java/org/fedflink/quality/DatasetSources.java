package org.fedflink.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link DatasetSource} a quality dataset's file asks for ({@code quality/datasets/*.yaml},
 * format in {@code docs/quality.md}), from its {@code prepare} section (and the {@code drift} and
 * {@code job.input.labelNames} it relates to):
 *
 * <pre>
 * prepare: {kind: debian-packages, label: section, classes: 8}       # or label: binary-library
 * prepare:
 *   kind: moa
 *   concepts: [generators.SEAGenerator -f 1 -i 1, ...]   # one more than drift.changes
 *   instances: 60000
 *   holdouts: {f1: generators.SEAGenerator -f 1 -i 11, ..., end: stream}
 *   holdoutInstances: 5000                             # default 5000
 *   learners: [trees.HoeffdingAdaptiveTree, functions.Perceptron]
 * drift: {changes: [20000, 40000], width: 1}
 * </pre>
 */
public final class DatasetSources {

    private DatasetSources() {}

    /**
     * @param dataset the dataset file as a tree (Jackson, e.g. from a {@code YAMLMapper})
     * @param repository the repository's root folder (MOA's pom is {@code quality/moa/pom.xml} below it)
     * @return the source, or empty when the dataset has no {@code prepare} section
     * @throws IllegalArgumentException naming the key when the section is not valid
     */
    public static Optional<DatasetSource> of(JsonNode dataset, Path repository) {
        JsonNode prepare = dataset.path("prepare");
        if (prepare.isMissingNode() || prepare.isNull()) {
            return Optional.empty();
        }
        String kind = prepare.path("kind").asText("");
        return Optional.of(switch (kind) {
            case "debian-packages" -> debian(prepare, dataset.path("job").path("input").path("labelNames"));
            case "moa" -> moa(prepare, dataset.path("drift"), repository.resolve(Moa.POM));
            default -> throw new IllegalArgumentException("prepare.kind must be debian-packages or moa, got '" + kind + "'");
        });
    }

    private static DatasetSource debian(JsonNode prepare, JsonNode labelNames) {
        DebianPackages.Label label = DebianPackages.Label.of(prepare.path("label").asText(""));
        if (label == DebianPackages.Label.BINARY_LIBRARY) {
            return DebianPackages.binaryLibrary();
        }
        int classes = prepare.path("classes").asInt(0);
        return DebianPackages.sections(classes, strings(labelNames, "job.input.labelNames"));
    }

    private static DatasetSource moa(JsonNode prepare, JsonNode drift, Path pom) {
        List<Long> changes = new ArrayList<>();
        for (JsonNode change : drift.path("changes")) {
            if (!change.canConvertToLong()) {
                throw new IllegalArgumentException("drift.changes must be whole numbers, got " + drift.path("changes"));
            }
            changes.add(change.asLong());
        }
        Map<String, String> holdouts = new LinkedHashMap<>();
        prepare.path("holdouts").fields().forEachRemaining(e -> holdouts.put(e.getKey(), e.getValue().asText()));
        return MoaStream.of(strings(prepare.path("concepts"), "prepare.concepts"), changes, drift.path("width").asLong(1),
                prepare.path("instances").asLong(0), holdouts, prepare.path("holdoutInstances").asLong(5000),
                strings(prepare.path("learners"), "prepare.learners"), pom);
    }

    private static List<String> strings(JsonNode list, String key) {
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(key + " must be a list, got " + list);
        }
        List<String> strings = new ArrayList<>();
        list.forEach(item -> strings.add(item.asText()));
        return strings;
    }
}
