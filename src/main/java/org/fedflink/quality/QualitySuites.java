package org.fedflink.quality;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The suite as the command runs it: the data preparations and reference learners it knows. */
public final class QualitySuites {

    private QualitySuites() {}

    /**
     * The suite with the preparations of {@code docs/quality.md} ({@link DatasetSources}; MOA's pom
     * below {@code repository}) and the pooled reference ({@link PooledReference}) for datasets whose
     * preparation makes none.
     */
    public static QualitySuite standard(QualitySuite.Settings settings, java.nio.file.Path repository) {
        return new QualitySuite(settings, (spec, dir, quick) -> {
            try {
                return DatasetSources.of(spec.file(), repository).orElseThrow().prepare(dir, quick);
            } catch (IllegalArgumentException e) {
                throw new IOException("dataset " + spec.dataset() + ": " + e.getMessage(), e);
            }
        }, PooledReference::fit);
    }

    /**
     * The datasets named (all when none is), in the folder's order.
     *
     * @throws IllegalArgumentException naming an unknown dataset and the known ones
     */
    public static List<DatasetSpec> select(List<DatasetSpec> all, List<String> names) {
        if (names.isEmpty()) {
            return all;
        }
        Set<String> known = all.stream().map(DatasetSpec::dataset).collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown dataset '" + name + "' (datasets: " + String.join(", ", known)
                        + ")");
            }
        }
        List<DatasetSpec> selected = new ArrayList<>();
        for (DatasetSpec spec : all) {
            if (names.contains(spec.dataset())) {
                selected.add(spec);
            }
        }
        return selected;
    }
}
