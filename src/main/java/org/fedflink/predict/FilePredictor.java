package org.fedflink.predict;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.fedflink.artifact.ArtifactException;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InputPaths;
import org.fedflink.eval.Evaluator;
import org.fedflink.model.ModelSpec;

/**
 * Scores every record of one file with a saved model version, streaming (memory does not grow
 * with the file; gzip files are read as they are), and writes one JSON line per record.
 *
 * <h2>Reading</h2>
 *
 * The file is parsed as the run parsed its training input ({@link Preprocessing}: format, field
 * names, CSV layout, label map, text hashing) and scaled with the run's fitted scaler, but as rows
 * to score ({@link FormatOptions#scoring()}): a row may lack its label and its source. Unknown JSONL
 * keys (an id, say) follow the run's {@code input.unknownFields}, as its training rows did: skipped
 * under {@code ignore} (the default, and what a run recorded before the setting was reads as),
 * an invalid row under {@code reject}. The format is, in this order, the one asked for, the one the file name
 * says ({@code .jsonl}/{@code .ndjson}/{@code .json}, {@code .csv}, {@code .libsvm}/{@code .svm},
 * {@code .idx}/{@code -ubyte}, each optionally {@code .gz}), or the training input's; when it is not
 * the training input's, that format's default layout is used with the run's field names, label
 * map and hashing. Before anything is written the file's first rows are probed: a file that is not
 * in the format at all fails with {@link FormatException}. IDX images are read with their labels
 * file when one is given, else without labels.
 *
 * <h2>Writing</h2>
 *
 * One JSON object per record, in file order:
 *
 * <ul>
 *   <li>{@code line}: the record's 1-based line in the file (a CSV header is line 1), or
 *       {@code record}: the image's 1-based number for IDX;
 *   <li>{@code source}: the row's source, when it has one;
 *   <li>{@code label}: the row's label when it has one: the class index, the label text when the
 *       run had a label map, or the real value for linear regression;
 *   <li>{@code prediction}: the predicted class index (its label text with a label map), or the
 *       predicted value for linear regression;
 *   <li>{@code probability}: the model's probability of the predicted class (classifiers);
 *   <li>{@code probabilities}: every class's probability by class index, when asked for;
 *   <li>{@code modelVersion}: the version that scored it.
 * </ul>
 *
 * A record that is not valid for the model (the rules of the training input: parse errors, wrong
 * dimension, a label that is not a class, an over-long line) gives {@code {"line": N, "error":
 * "reason"}} instead, is counted, and the file goes on. With a label map, the text of a class is
 * the map's text for its value (the alphabetically first, if several texts map to one class).
 *
 * <p>Labelled valid records are scored with {@link Evaluator.Accumulator}, the job's holdout
 * scoring, so the summary's accuracy (or RMSE) is the figure the job would report for this file
 * as its holdout set.
 *
 * <p>The parts: {@link ScoringFormat} settles the format and parse options, {@link RowsToScore}
 * reads the records, {@link ScoringPass} checks, predicts and scores them, and
 * {@link PredictionLines} writes the output.
 */
public final class FilePredictor {

    /** {@code input.maxLineBytes}'s default, for runs that did not record theirs. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    /** Called every progress interval while a file is scored, on the scoring thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(long rows, long invalid, long elapsedMillis);
    }

    /**
     * The outcome of scoring a file.
     *
     * @param input the file scored
     * @param format its format
     * @param modelVersion the model version that scored it
     * @param rows records read (valid and invalid; a CSV header is not a record)
     * @param invalid records not valid for the model
     * @param labelled valid records that had a label
     * @param spec the model's shape
     * @param score the labelled records' metrics, as the holdout evaluation computes them
     *     ({@link Evaluator.Score#NONE} when none had a label)
     */
    public record Summary(
            Path input, InputFormat format, long modelVersion, long rows, long invalid, long labelled, ModelSpec spec,
            Evaluator.Score score) {

        /** Records scored: {@code rows - invalid}. */
        public long scored() {
            return rows - invalid;
        }

        /**
         * One line for a person: {@code scored 998 of 1000 rows of data.csv with model v00000012 (2
         * invalid); accuracy 0.9120 on 998 labelled rows} (RMSE for linear regression; {@code no
         * labels} when none had one).
         */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("scored ").append(scored()).append(" of ").append(rows).append(rows == 1 ? " row" : " rows")
                    .append(" of ").append(input.getFileName()).append(" with model ")
                    .append(SavedModel.baseName(modelVersion))
                    .append(" (").append(invalid).append(" invalid); ");
            if (labelled == 0) {
                sb.append("no labels");
            } else if (spec.isClassifier()) {
                sb.append(String.format(Locale.ROOT, "accuracy %.4f", score.accuracy()));
            } else {
                sb.append(String.format(Locale.ROOT, "rmse %.6g", score.rmse()));
            }
            if (labelled > 0) {
                sb.append(" on ").append(labelled).append(labelled == 1 ? " labelled row" : " labelled rows");
            }
            return sb.toString();
        }
    }

    private final SavedModel model;
    private final Path input;
    private final Path labels;
    private final FormatOptions options;
    private final int maxLineBytes;
    private final FeatureScaler scaler;
    private final boolean writeProbabilities;
    private final Duration progressInterval;
    private final ProgressListener listener;

    private FilePredictor(Builder b, FormatOptions options) {
        this.model = b.model;
        this.input = b.input;
        this.labels = b.labels;
        this.options = options;
        this.maxLineBytes = b.preprocessing == null ? DEFAULT_MAX_LINE_BYTES : b.preprocessing.maxLineBytes();
        this.scaler = b.preprocessing == null ? FeatureScaler.none() : b.preprocessing.scaler();
        this.writeProbabilities = b.probabilities;
        this.progressInterval = b.progressInterval;
        this.listener = b.listener;
    }

    /** Scores {@code input} with {@code model}; see {@link Builder} for the options. */
    public static Builder builder(SavedModel model, Path input) {
        return new Builder(model, input);
    }

    /**
     * The format a file's name says: {@code .jsonl}, {@code .ndjson} or {@code .json}; {@code .csv};
     * {@code .libsvm} or {@code .svm}; {@code .idx}, {@code .idx3}, {@code -ubyte} ({@code
     * t10k-images-idx3-ubyte}); each optionally followed by {@code .gz}.
     */
    public static Optional<InputFormat> formatOfName(Path file) {
        return ScoringFormat.formatOfName(file);
    }

    /** The parse options the file is read with. */
    public FormatOptions options() {
        return options;
    }

    /**
     * Scores the whole file.
     *
     * @param out where the JSON lines go (left open, flushed at the end); null to only score
     * @throws FormatException when the file (or the labels file) is missing or unreadable ("input:
     *     data.csv does not exist", see {@link InputPaths}), not in its format at all (probed before
     *     the first line is written), a CSV header does not fit, or a gzip file is corrupt
     * @throws IOException when reading or writing fails otherwise
     */
    public Summary run(Writer out) throws IOException {
        RowsToScore records = new RowsToScore(input, labels, options, maxLineBytes);
        records.requireFiles();
        ModelSpec spec = model.spec();
        PredictionLines lines = out == null ? null : new PredictionLines(out,
                options.format() == InputFormat.IDX ? "record" : "line", spec.isClassifier(), writeProbabilities,
                model.version(), options.labelMap());
        ScoringPass pass = new ScoringPass(model, scaler, lines, progressInterval, listener);
        try {
            records.readInto(pass, spec.features());
        } finally {
            pass.close();
        }
        return new Summary(input, options.format(), model.version(), pass.rows(), pass.invalid(), pass.labelled(),
                spec, pass.score());
    }

    /** How to score a file. */
    public static final class Builder {
        private final SavedModel model;
        private final Path input;
        private Preprocessing preprocessing;
        private InputFormat format;
        private Path labels;
        private boolean probabilities;
        private Duration progressInterval = Duration.ofSeconds(5);
        private ProgressListener listener;

        private Builder(SavedModel model, Path input) {
            if (model == null || input == null) {
                throw new IllegalArgumentException("a model and an input file are required");
            }
            this.model = model;
            this.input = input;
        }

        /** The run's recorded preprocessing; null (the default) for none: no scaling, default layouts. */
        public Builder preprocessing(Preprocessing recorded) {
            this.preprocessing = recorded;
            return this;
        }

        /** The input's format; null (the default) to take it from the file name or the run. */
        public Builder format(InputFormat inputFormat) {
            this.format = inputFormat;
            return this;
        }

        /** The IDX labels file of IDX images; null (the default) to score them without labels. */
        public Builder labels(Path idxLabels) {
            this.labels = idxLabels;
            return this;
        }

        /** Whether each line lists every class's probability (default false). */
        public Builder probabilities(boolean all) {
            this.probabilities = all;
            return this;
        }

        /** Report progress to {@code progress} every {@code interval} (default: no reports). */
        public Builder progress(Duration interval, ProgressListener progress) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("progress interval must be positive, got " + interval);
            }
            this.progressInterval = interval;
            this.listener = progress;
            return this;
        }

        /**
         * @throws FormatException when the format cannot be told, or labels are given for a format
         *     other than IDX
         * @throws ArtifactException when the preprocessing does not fit the model (another feature
         *     dimension)
         */
        public FilePredictor build() {
            InputFormat resolved = ScoringFormat.resolve(format, input, preprocessing);
            if (labels != null && resolved != InputFormat.IDX) {
                throw new FormatException("a labels file is only for idx images, not for "
                        + resolved.name().toLowerCase(Locale.ROOT) + " input");
            }
            return new FilePredictor(this, ScoringFormat.options(resolved, model, preprocessing));
        }
    }
}
