package org.fedflink.quality;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The suite as the command runs it: the data preparations and reference learners it knows. */
public final class QualitySuites {

    private QualitySuites() {}

    /** The suite with the preparations of {@code docs/quality.md} and the pooled reference. */
    public static QualitySuite standard(QualitySuite.Settings settings) {
        return new QualitySuite(settings, QualitySuites::prepare, null);
    }

    private static PreparedDataset prepare(DatasetSpec spec, java.nio.file.Path dir, boolean quick)
            throws IOException {
        String kind = spec.prepare().path("kind").asText();
        throw new IOException("dataset " + spec.dataset() + ": unknown prepare kind '" + kind + "'");
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
