package org.fedflink.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.EOFException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipException;
import org.fedflink.artifact.ArtifactException;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.FormatProbe;
import org.fedflink.data.IdxDataset;
import org.fedflink.data.InputPaths;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.LineReader;
import org.fedflink.data.Row;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;
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
 */
public final class FilePredictor {

    /** {@code input.maxLineBytes}'s default, for runs that did not record theirs. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final int PROGRESS_CHECK_ROWS = 256;

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
                    .append(String.format(Locale.ROOT, "v%08d", modelVersion))
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
    private final Map<Double, String> labelText;

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
        this.labelText = inverse(options.labelMap());
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
        InputPaths.requireFile("input", input);
        if (labels != null) {
            InputPaths.requireFile("labels", labels);
        }
        Scoring scoring = new Scoring(out);
        try {
            if (options.format() == InputFormat.IDX) {
                scoreImages(scoring);
            } else {
                probe();
                scoreRows(scoring);
            }
        } catch (ZipException e) {
            throw new FormatException(input.getFileName() + " is not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new FormatException(input.getFileName() + " is a truncated gzip file", e);
        } finally {
            scoring.close();
        }
        return new Summary(input, options.format(), model.version(), scoring.rows, scoring.invalid,
                scoring.accumulator.examples(), model.spec(), scoring.accumulator.score());
    }

    /** The first rows, so that a file of another format fails before anything is written. */
    private void probe() throws IOException {
        byte[] header = null;
        List<byte[]> rows = new ArrayList<>();
        boolean wantHeader = options.format() == InputFormat.CSV && options.csvHeader();
        try (LineReader reader = new LineReader(LineReader.open(input), maxLineBytes)) {
            if (wantHeader) {
                header = header(reader);
            }
            Row row;
            while (rows.size() < FormatProbe.MAX_ROWS && (row = reader.next()) != null) {
                if (!row.oversized()) {
                    rows.add(row.bytes());
                }
            }
        }
        FormatProbe.check(input.getFileName().toString(), options, header, rows);
    }

    private byte[] header(LineReader reader) throws IOException {
        Row header = reader.next();
        if (header == null) {
            throw new FormatException(input.getFileName() + " is empty: a CSV file needs a header"
                    + " (input.csv.header is true)");
        }
        if (header.oversized()) {
            throw new FormatException(input.getFileName() + ": the CSV header is longer than " + maxLineBytes
                    + " bytes (input.maxLineBytes)");
        }
        return header.bytes();
    }

    private void scoreRows(Scoring scoring) throws IOException {
        try (LineReader reader = new LineReader(LineReader.open(input), maxLineBytes)) {
            boolean wantHeader = options.format() == InputFormat.CSV && options.csvHeader();
            RowParser parser = RowParsers.create(options, wantHeader ? header(reader) : null);
            Row row;
            while ((row = reader.next()) != null) {
                if (row.oversized()) {
                    scoring.invalid(row.lineNumber(), "line of " + row.length() + " bytes is longer than the limit of "
                            + maxLineBytes + " bytes (input.maxLineBytes)");
                    continue;
                }
                Example example;
                try {
                    example = parser.parse(row.bytes());
                } catch (InvalidRecordException e) {
                    scoring.invalid(row.lineNumber(), e.getMessage());
                    continue;
                }
                scoring.score(row.lineNumber(), example);
            }
        }
    }

    private void scoreImages(Scoring scoring) throws IOException {
        IdxDataset images = labels == null ? IdxDataset.readImages(input) : IdxDataset.read(input, labels);
        if (images.features() != model.spec().features()) {
            throw new FormatException(input.getFileName() + " has images of " + images.rows() + " x " + images.cols()
                    + " = " + images.features() + " pixels, the model has " + model.spec().features() + " features");
        }
        for (int i = 0; i < images.size(); i++) {
            scoring.score(i + 1L, images.example(i, null, JsonLineParser.NO_TIMESTAMP));
        }
    }

    /** The state of one pass: counts, metrics, output. */
    private final class Scoring {
        private final Predictor predictor = Predictor.of(model);
        private final Evaluator.Accumulator accumulator = new Evaluator.Accumulator(predictor.model(), model.params());
        private final ExampleValidator validator = new ExampleValidator(model.spec());
        private final JsonGenerator json;
        private final String position = options.format() == InputFormat.IDX ? "record" : "line";
        private final boolean classifier = model.spec().isClassifier();
        private final long start = System.nanoTime();
        private long nextProgress = start + progressInterval.toNanos();
        private long rows;
        private long invalid;

        Scoring(Writer out) throws IOException {
            this.json = out == null ? null : JSON.createGenerator(out).setRootValueSeparator(null);
        }

        void invalid(long line, String reason) throws IOException {
            invalid++;
            counted();
            if (json != null) {
                json.writeStartObject();
                json.writeNumberField(position, line);
                json.writeStringField("error", reason);
                json.writeEndObject();
                json.writeRaw('\n');
            }
        }

        void score(long line, Example parsed) throws IOException {
            boolean labelled = !Double.isNaN(parsed.label());
            // the validator wants a source and a label; a row to score may have neither
            String reason = validator.check(new Example("row", parsed.timestamp(), labelled ? parsed.label() : 0,
                    parsed.indices(), parsed.values()));
            if (reason != null) {
                invalid(line, reason);
                return;
            }
            Example example = scaler.apply(parsed);
            Prediction prediction = predictor.predict(example);
            if (labelled) {
                accumulator.add(example);
            }
            counted();
            if (json == null) {
                return;
            }
            json.writeStartObject();
            json.writeNumberField(position, line);
            if (parsed.source() != null) {
                json.writeStringField("source", parsed.source());
            }
            if (labelled) {
                json.writeFieldName("label");
                writeValue(parsed.label());
            }
            json.writeFieldName("prediction");
            writeValue(prediction.value());
            if (classifier) {
                json.writeNumberField("probability", prediction.probability());
                if (writeProbabilities) {
                    json.writeFieldName("probabilities");
                    json.writeArray(prediction.probabilities(), 0, prediction.probabilities().length);
                }
            }
            json.writeNumberField("modelVersion", model.version());
            json.writeEndObject();
            json.writeRaw('\n');
        }

        /** A label or prediction: its text with a label map, a class index, or a real value. */
        private void writeValue(double value) throws IOException {
            String text = labelText.get(value + 0.0);
            if (text != null) {
                json.writeString(text);
            } else if (classifier) {
                json.writeNumber((long) value);
            } else {
                json.writeNumber(value);
            }
        }

        private void counted() {
            rows++;
            if (listener != null && rows % PROGRESS_CHECK_ROWS == 0) {
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    nextProgress = now + progressInterval.toNanos();
                    listener.progress(rows, invalid, (now - start) / 1_000_000);
                }
            }
        }

        void close() throws IOException {
            if (json != null) {
                json.close(); // flushes; the target stays open
            }
        }
    }

    /** Label value to text: the alphabetically first text of each value. */
    private static Map<Double, String> inverse(Map<String, Double> labelMap) {
        Map<Double, String> inverse = new HashMap<>();
        if (labelMap != null) {
            labelMap.forEach((text, value) -> inverse.merge(value + 0.0, text, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        }
        return inverse;
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
            InputFormat resolved = format != null ? format
                    : formatOfName(input).or(() -> preprocessing == null ? Optional.empty() : preprocessing.format())
                            .orElseThrow(() -> new FormatException("cannot tell the format of " + input.getFileName()
                                    + " from its name (.jsonl, .csv, .libsvm, .svm or .idx, optionally .gz);"
                                    + " give --format"));
            if (labels != null && resolved != InputFormat.IDX) {
                throw new FormatException("a labels file is only for idx images, not for "
                        + resolved.name().toLowerCase(Locale.ROOT) + " input");
            }
            return new FilePredictor(this, options(resolved));
        }

        private FormatOptions options(InputFormat resolved) {
            ModelSpec spec = model.spec();
            FormatOptions trained = preprocessing == null ? null : preprocessing.options();
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
}
