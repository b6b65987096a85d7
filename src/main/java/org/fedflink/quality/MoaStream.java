package org.fedflink.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.eval.HoldoutColumns;

/**
 * A drifting stream of MOA's generators as a dataset ({@code prepare.kind: moa}): the training
 * stream as JSON lines ({@code {"label":k,"features":[...]}}, no source: the job deals the rows to
 * simulated sources with {@code input.partition}), one holdout file per concept, and MOA's own
 * prequential evaluation of reference learners on the same stream.
 *
 * <p><b>The stream</b> is the concepts (MOA generator specs) joined by {@code ConceptDriftStream}s
 * that change from one to the next at the {@code drift.changes} positions over {@code drift.width}
 * examples (1: abrupt), with the drift's random seed fixed ({@code -r 1}); a single concept is the
 * stream itself (a generator that drifts by itself, such as {@code RandomRBFGeneratorDrift}). The
 * generators' own seeds ({@code -i}, {@code -r}) are part of their specs, so two prepares write
 * identical files.
 *
 * <p><b>Holdouts</b> ({@code holdout-<name>.jsonl}): each is {@code holdoutInstances} rows of its
 * own stream (a generator spec, or {@code stream} for the training stream itself) taken <em>after</em>
 * the first {@code instances} rows of that stream, so never a row the training stream can have
 * drawn: for a generator whose seed also draws the concept (the hyperplane's weights) the same spec
 * gives the same concept, unseen rows; {@code stream} gives the concept right after the training
 * stream's end. The last holdout is the primary one (the concept the stream ends in): the dataset's
 * job names it as {@code evaluation.holdoutPath}.
 *
 * <p><b>Reference</b>: for each learner, MOA's {@code EvaluatePrequential} with a 500-example
 * {@code WindowClassificationPerformanceEvaluator} sampled every 100 examples, read by
 * {@link DriftFigures#ofCurve} ({@code prequentialAccuracy} is the mean of the windows that tile the
 * stream, which is exactly MOA's whole-stream accuracy; {@code recoveryExamples},
 * {@code unrecoveredChanges}, {@code minWindowAccuracy}); and {@code EvaluateModel} of the model
 * learned on the whole stream on each holdout ({@code holdout.<name>.accuracy}, and
 * {@code holdoutAccuracy} for the primary one). MOA reports no probabilities there, so there is no
 * AUC or log loss. The first learner is the {@link PreparedDataset#reference()}; the others are in the
 * facts ({@code otherReferences}). Its curve is kept as {@code reference-curve.csv} (MOA's dump).
 *
 * <p><b>Quick mode</b> divides the instances, the change positions and width by {@value #QUICK_SCALE}
 * and the holdouts by 5.
 *
 * <p>MOA runs as a separate program (see {@link Moa}); its classpath is resolved once into
 * {@value #CLASSPATH_FILE} beside the dataset's folder (shared by the MOA datasets of
 * {@code data/quality/}) and its console output goes to {@code moa.log} in the dataset's folder.
 */
public final class MoaStream implements DatasetSource {

    /** Quick mode divides the stream's lengths by this. */
    static final int QUICK_SCALE = 10;

    /** MOA's resolved classpath, kept in the folder that holds the datasets' folders. */
    static final String CLASSPATH_FILE = "moa-classpath.txt";

    /** The word of a holdout that is the training stream continued. */
    public static final String STREAM = "stream";

    private final List<String> concepts;
    private final List<Long> changes;
    private final long width;
    private final long instances;
    private final Map<String, String> holdouts;
    private final long holdoutInstances;
    private final List<String> learners;
    private final Path pom;

    private MoaStream(List<String> concepts, List<Long> changes, long width, long instances, Map<String, String> holdouts,
            long holdoutInstances, List<String> learners, Path pom) {
        this.concepts = List.copyOf(concepts);
        this.changes = List.copyOf(changes);
        this.width = width;
        this.instances = instances;
        this.holdouts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(holdouts));
        this.holdoutInstances = holdoutInstances;
        this.learners = List.copyOf(learners);
        this.pom = pom;
    }

    /**
     * @param concepts MOA generator specs ({@code generators.SEAGenerator -f 1 -i 1}), one more than the changes
     * @param changes the stream positions of the changes, increasing, inside the stream
     * @param width the examples each change takes (1: abrupt)
     * @param instances the stream's length: a multiple of {@value #QUICK_SCALE} x the 500-example window
     * @param holdouts name -> the stream it is drawn from (a generator spec or {@value #STREAM}), the
     *     primary one last; names of letters, digits, {@code _} and {@code -}
     * @param holdoutInstances rows per holdout, a multiple of 5
     * @param learners MOA learner specs ({@code trees.HoeffdingAdaptiveTree}); the first is the reference
     * @param pom MOA's pom ({@code quality/moa/pom.xml} of the repository)
     * @throws IllegalArgumentException naming the setting ({@code prepare.concepts}, {@code drift.changes}, ...)
     */
    public static MoaStream of(List<String> concepts, List<Long> changes, long width, long instances,
            Map<String, String> holdouts, long holdoutInstances, List<String> learners, Path pom) {
        if (concepts == null || concepts.isEmpty() || concepts.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("prepare.concepts must list at least one MOA generator, got " + concepts);
        }
        if (changes.size() != concepts.size() - 1) {
            throw new IllegalArgumentException("drift.changes must have one position fewer than prepare.concepts ("
                    + (concepts.size() - 1) + "), got " + changes);
        }
        long unit = (long) QUICK_SCALE * DriftFigures.WINDOW;
        if (instances < unit || instances % unit != 0) {
            throw new IllegalArgumentException("prepare.instances must be a positive multiple of " + unit
                    + " (so the quick stream is whole windows), got " + instances);
        }
        long previous = 0;
        for (long change : changes) {
            if (change <= previous || change >= instances || change % QUICK_SCALE != 0) {
                throw new IllegalArgumentException("drift.changes must increase inside (0, " + instances
                        + ") in multiples of " + QUICK_SCALE + ", got " + changes);
            }
            previous = change;
        }
        if (width < 1) {
            throw new IllegalArgumentException("drift.width must be >= 1, got " + width);
        }
        if (holdouts == null || holdouts.isEmpty()) {
            throw new IllegalArgumentException("prepare.holdouts must name at least one holdout");
        }
        holdouts.forEach((name, stream) -> {
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("prepare.holdouts: '" + name + "' is not a holdout name (1 to 64"
                        + " letters, digits, _ or -)");
            }
            if (stream == null || stream.isBlank()) {
                throw new IllegalArgumentException("prepare.holdouts." + name + " needs a MOA stream or '" + STREAM + "'");
            }
        });
        if (holdoutInstances < 5 || holdoutInstances % 5 != 0) {
            throw new IllegalArgumentException("prepare.holdoutInstances must be a positive multiple of 5, got "
                    + holdoutInstances);
        }
        if (learners == null || learners.isEmpty() || learners.stream().anyMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("prepare.learners must list at least one MOA learner, got " + learners);
        }
        return new MoaStream(concepts, changes, width, instances, holdouts, holdoutInstances, learners, pom);
    }

    /** The training stream as a MOA stream spec, at full length or scaled down for quick mode. */
    String stream(boolean quick) {
        String stream = concepts.get(concepts.size() - 1);
        List<Long> at = changes(quick);
        // nested from the last change: the inner stream counts its own examples, from the outer change on
        for (int i = concepts.size() - 2; i >= 0; i--) {
            long position = at.get(i) - (i > 0 ? at.get(i - 1) : 0);
            stream = "ConceptDriftStream -s (" + concepts.get(i) + ") -d (" + stream + ") -p " + position + " -w "
                    + width(quick) + " -r 1";
        }
        return stream;
    }

    /** The change positions of the stream of a mode. */
    public List<Long> changes(boolean quick) {
        return quick ? changes.stream().map(c -> c / QUICK_SCALE).toList() : changes;
    }

    /** The change width of a mode. */
    public long width(boolean quick) {
        return quick ? Math.max(1, width / QUICK_SCALE) : width;
    }

    /** The stream's length in a mode. */
    public long instances(boolean quick) {
        return quick ? instances / QUICK_SCALE : instances;
    }

    private long holdoutInstances(boolean quick) {
        return quick ? holdoutInstances / 5 : holdoutInstances;
    }

    @Override
    public PreparedDataset prepare(Path dir, boolean quick) throws IOException {
        return PreparedFolder.reuseOrMake(dir, toString(), quick, folder -> make(folder, quick));
    }

    private PreparedDataset make(Path dir, boolean quick) throws IOException {
        Path log = dir.resolve("moa.log");
        Files.deleteIfExists(log);
        // the classpath is the same for every MOA dataset: kept once beside their folders
        Moa moa = Moa.resolve(pom, dir.resolveSibling(CLASSPATH_FILE), log);
        long n = instances(quick);
        long h = holdoutInstances(quick);
        String stream = stream(quick);
        Map<String, Path> files = new LinkedHashMap<>();

        // one JVM writes every stream: the training stream, and each holdout's stream past its first n rows
        Path trainArff = dir.resolve("train.arff");
        List<String> writes = new ArrayList<>();
        writes.add(write(stream, trainArff, n));
        for (Map.Entry<String, String> holdout : holdouts.entrySet()) {
            Path whole = dir.resolve("holdout-" + holdout.getKey() + ".whole.arff");
            writes.add(write(STREAM.equals(holdout.getValue()) ? stream : holdout.getValue(), whole, n + h));
        }
        moa.run(writes, dir);

        Path train = dir.resolve("train.jsonl");
        Arff.Conversion converted = Arff.toJsonLines(trainArff, train, 0, Long.MAX_VALUE);
        Files.delete(trainArff);
        if (converted.rows() != n) {
            throw new IOException("MOA wrote " + converted.rows() + " rows of " + stream + ", not " + n);
        }
        files.put("train", train);
        Map<String, Path> holdoutArffs = new LinkedHashMap<>();
        Map<String, Object> holdoutRows = new LinkedHashMap<>();
        for (String name : holdouts.keySet()) {
            Path whole = dir.resolve("holdout-" + name + ".whole.arff");
            Path arff = dir.resolve("holdout-" + name + ".arff");
            Arff.slice(whole, arff, n, h);
            Files.delete(whole);
            Path jsonl = dir.resolve("holdout-" + name + ".jsonl");
            long rows = Arff.toJsonLines(arff, jsonl, 0, Long.MAX_VALUE).rows();
            if (rows != h) {
                throw new IOException("MOA wrote " + rows + " holdout rows of " + holdouts.get(name) + ", not " + h);
            }
            holdoutRows.put(name, rows);
            files.put("holdout-" + name, jsonl);
            holdoutArffs.put(name, arff);
        }

        // one JVM evaluates every learner: prequentially on the stream, then its final model on each holdout
        List<String> evaluations = new ArrayList<>();
        List<Path> curves = new ArrayList<>();
        for (int i = 0; i < learners.size(); i++) {
            Path curve = dir.resolve(i == 0 ? "reference-curve.csv" : "reference-curve-" + i + ".csv");
            Files.deleteIfExists(curve); // MOA appends to a dump file
            curves.add(curve);
            String learner = "(" + learners.get(i) + ")";
            evaluations.add("EvaluatePrequential -l " + learner + " -s (" + stream + ") -i " + n + " -f "
                    + DriftFigures.EVERY + " -e (WindowClassificationPerformanceEvaluator -w " + DriftFigures.WINDOW
                    + ") -d " + curve.getFileName());
            for (Path arff : holdoutArffs.values()) {
                evaluations.add("EvaluateModel -m (LearnModel -l " + learner + " -s (" + stream + ") -m " + n
                        + ") -s (ArffFileStream -f " + arff.getFileName() + ") -i " + h);
            }
        }
        List<String> printed = moa.run(evaluations, dir);
        List<DriftFigures.Change> drift = DriftFigures.Change.at(changes(quick), width(quick));
        List<ReferenceResult> references = new ArrayList<>();
        int task = 0;
        for (int i = 0; i < learners.size(); i++) {
            List<DriftFigures.Point> curve = curve(Files.readString(curves.get(i), StandardCharsets.UTF_8));
            Map<String, Double> figures = new LinkedHashMap<>(
                    DriftFigures.ofCurve(curve, n, drift, DriftFigures.WINDOW).asMap());
            task++;
            String last = null;
            for (String name : holdoutArffs.keySet()) {
                figures.put(HoldoutColumns.column(name, "accuracy"), accuracy(printed.get(task++)));
                last = name;
            }
            figures.put(HoldoutColumns.primaryColumn("accuracy"), figures.get(HoldoutColumns.column(last, "accuracy")));
            references.add(new ReferenceResult("MOA " + learners.get(i), figures));
            if (i == 0) {
                files.put("referenceCurve", curves.get(i));
            } else {
                Files.delete(curves.get(i));
            }
        }
        for (Path arff : holdoutArffs.values()) {
            Files.delete(arff);
        }

        Arff.Header header = converted.header();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("examples", n);
        facts.put("features", header.features());
        if (header.classAttribute().nominal()) {
            List<String> names = header.classAttribute().values();
            facts.put("classes", names.size());
            facts.put("labelNames", names);
            Map<String, Object> shares = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                shares.put(names.get(k), Math.round(10000.0 * converted.classCounts()[k] / n) / 10000.0);
            }
            facts.put("classShares", shares);
        }
        facts.put("holdoutExamples", holdoutRows);
        facts.put("changes", changes(quick));
        facts.put("width", width(quick));
        facts.put("stream", stream);
        facts.put("moa", Moa.ARTIFACT);
        if (references.size() > 1) {
            List<Object> others = new ArrayList<>();
            for (ReferenceResult other : references.subList(1, references.size())) {
                Map<String, Object> learner = new LinkedHashMap<>();
                learner.put("learner", other.learner());
                learner.put("figures", other.figures());
                others.add(learner);
            }
            facts.put("otherReferences", others);
        }
        return new PreparedDataset(files, facts, references.get(0));
    }

    private static String write(String stream, Path arff, long rows) throws IOException {
        Files.deleteIfExists(arff);
        return "WriteStreamToARFFFile -s (" + stream + ") -f " + arff.getFileName() + " -m " + rows;
    }

    /** MOA's column of the accuracy, in percent. */
    static final String CORRECT = "classifications correct (percent)";

    /** The column of the examples seen at a row of an {@code EvaluatePrequential} dump. */
    static final String SEEN = "learning evaluation instances";

    /** The window curve of an {@code EvaluatePrequential} dump (accuracies as fractions). */
    static List<DriftFigures.Point> curve(String dump) throws IOException {
        List<String[]> rows = csv(dump);
        int seen = column(rows, SEEN);
        int correct = column(rows, CORRECT);
        List<DriftFigures.Point> curve = new ArrayList<>();
        for (String[] row : rows.subList(1, rows.size())) {
            curve.add(new DriftFigures.Point((long) number(row, seen), number(row, correct) / 100.0));
        }
        return curve;
    }

    /** The accuracy (a fraction) that {@code EvaluateModel} printed. */
    static double accuracy(String printed) throws IOException {
        int header = printed.indexOf(CORRECT);
        if (header < 0) {
            throw new IOException("MOA's EvaluateModel printed no '" + CORRECT + "'");
        }
        int start = printed.lastIndexOf('\n', header) + 1;
        List<String[]> rows = csv(printed.substring(start));
        if (rows.size() < 2) {
            throw new IOException("MOA's EvaluateModel printed no result row");
        }
        return number(rows.get(1), column(rows, CORRECT)) / 100.0;
    }

    private static List<String[]> csv(String text) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                rows.add(line.split(",", -1));
            }
        }
        if (rows.isEmpty()) {
            throw new IOException("MOA printed no CSV");
        }
        return rows;
    }

    private static int column(List<String[]> rows, String name) throws IOException {
        String[] header = rows.get(0);
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals(name)) {
                return i;
            }
        }
        throw new IOException("MOA's CSV has no column '" + name + "'");
    }

    private static double number(String[] row, int column) throws IOException {
        try {
            return Double.parseDouble(row[column].strip());
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("MOA's CSV has no number in column " + (column + 1) + ": " + String.join(",", row));
        }
    }

    @Override
    public String toString() {
        return "MoaStream[concepts=" + concepts + ", changes=" + changes + ", width=" + width + ", instances="
                + instances + ", holdouts=" + holdouts + ", holdoutInstances=" + holdoutInstances + ", learners="
                + learners + "]";
    }
}
