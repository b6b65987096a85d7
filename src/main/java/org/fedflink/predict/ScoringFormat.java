package org.fedflink.predict;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.fedflink.artifact.ArtifactException;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.model.ModelSpec;

/**
 * The format a file to score is in and the parse options it is read with (the "Reading" rules of
 * {@link FilePredictor}): the format asked for, else the one the file name says, else the run's;
 * the run's own options when the format is the run's, else that format's default layout with the
 * run's field names, label map and hashing. Either way as rows to score: label and source optional.
 */
final class ScoringFormat {

    private ScoringFormat() {}

    /** See {@link FilePredictor#formatOfName}. */
    static Optional<InputFormat> formatOfName(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Optional.of(InputFormat.JSONL);
        }
        if (name.endsWith(".csv")) {
            return Optional.of(InputFormat.CSV);
        }
        if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
            return Optional.of(InputFormat.LIBSVM);
        }
        if (name.endsWith(".idx") || name.endsWith(".idx3") || name.endsWith("-ubyte") || name.endsWith(".ubyte")) {
            return Optional.of(InputFormat.IDX);
        }
        return Optional.empty();
    }

    /**
     * The format to read {@code input} in.
     *
     * @param asked the format asked for, or null
     * @param recorded the run's preprocessing, or null
     * @throws FormatException when none of the three tells it
     */
    static InputFormat resolve(InputFormat asked, Path input, Preprocessing recorded) {
        return asked != null ? asked
                : formatOfName(input).or(() -> recorded == null ? Optional.empty() : recorded.format())
                        .orElseThrow(() -> new FormatException("cannot tell the format of " + input.getFileName()
                                + " from its name (.jsonl, .csv, .libsvm, .svm or .idx, optionally .gz);"
                                + " give --format"));
    }

    /**
     * The options to parse a file of format {@code resolved} with, for {@code model}.
     *
     * @param recorded the run's preprocessing, or null: the format's default layout
     * @throws ArtifactException when the preprocessing describes another feature dimension
     * @throws FormatException when the run's settings do not apply to the format
     */
    static FormatOptions options(InputFormat resolved, SavedModel model, Preprocessing recorded) {
        ModelSpec spec = model.spec();
        FormatOptions trained = recorded == null ? null : recorded.options();
        if (trained != null && trained.features() != spec.features()) {
            throw new ArtifactException(Preprocessing.FILE_NAME + " describes an input of " + trained.features()
                    + " features, but model " + model.name() + " has " + spec.features());
        }
        if (trained != null && trained.format() == resolved) {
            return trained.toBuilder().scoring(true).build();
        }
        FormatOptions.Builder b = FormatOptions.builder(resolved, spec.features()).scoring(true);
        if (trained != null) {
            // another format than the run's: its default layout, with the run's names, labels and hashing
            boolean named = resolved == InputFormat.JSONL || resolved == InputFormat.CSV;
            boolean trainedNamed = trained.format() == InputFormat.JSONL || trained.format() == InputFormat.CSV;
            if (named && trainedNamed) {
                b.sourceField(trained.sourceField()).timeField(trained.timeField());
            }
            b.labelField(trained.labelField())
                    .featuresField(trained.featuresField())
                    .indicesField(trained.indicesField())
                    .valuesField(trained.valuesField())
                    .textField(trained.textField())
                    .labelMap(trained.labelMap())
                    .hashing(named ? trained.hashing() : null)
                    .unknownFields(trained.unknownFields());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new FormatException("cannot read " + resolved.name().toLowerCase(Locale.ROOT) + " input with "
                    + "this run's settings: " + e.getMessage(), e);
        }
    }
}
