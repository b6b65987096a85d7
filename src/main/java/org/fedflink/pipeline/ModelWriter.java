package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.artifact.RunFolder;
import org.fedflink.artifact.SavedModel;
import org.fedflink.eval.Evaluator;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.io.CheckpointedAppender;
import org.fedflink.kafka.ModelMessages;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;

/**
 * Publishes every global model version to the run folder: it reassembles the shards of a version,
 * scores it on the holdout sets ({@link HoldoutSets}: the primary one and each named one), writes
 * {@code models/vNNNNNNNN.f32} (parameters, float32 little-endian, layout of {@link ModelSpec}) and
 * {@code models/vNNNNNNNN.json} (metadata, metrics with {@code metrics.holdouts.<name>}, CRC32
 * checksum of the parameter file), points {@code models/latest.json} at it, and appends a row
 * to {@code metrics.csv} (holdout scores at most every {@code evaluation.intervalMillis}; the columns
 * of the named holdouts after the others, see {@link HoldoutColumns}). Runs with parallelism 1;
 * {@code metrics.csv} holds each version once across failures, and a version re-published after a
 * restore overwrites its own files.
 *
 * <p>Gauges: {@code holdoutAccuracy}, {@code holdoutLoss}, {@code holdoutMacroF1}, {@code holdoutAuc},
 * {@code holdoutRmse}, {@code holdoutMae} carry the primary holdout's newest scored figures, and the
 * group {@code holdout.<name>} each named holdout's ({@code accuracy}, {@code loss}, ...); the figures
 * of the last scored version stay until the next one is scored.
 *
 * <p>With a message key, every version is also emitted downstream as a {@link PublishedModel} (the
 * metadata and parameters in the {@link ModelMessages} format) for the model topic: each version
 * once and in increasing order, also across restores (the restored version, re-published by the
 * aggregator, was emitted before the checkpoint), so that a transactional sink gives consumers a
 * strictly increasing sequence.
 *
 * <p>Lineage: each version's metadata names the Flink job that made it ({@code jobId}) and its
 * {@code parent} (version and job). A job resumed from an older savepoint continues numbering
 * from the savepoint's version; the files of the versions after it, made by the earlier job, are
 * moved to {@code models/superseded/<jobId>/} so that {@code models/} holds one line of versions.
 */
public final class ModelWriter extends AbstractStreamOperator<PublishedModel>
        implements OneInputStreamOperator<GlobalModel, PublishedModel> {

    /**
     * The columns of {@code metrics.csv} before those of the named holdouts ({@link #metricsHeader}).
     * Columns added later go at its end (readers look columns up by name).
     */
    public static final String METRICS_HEADER =
            "version,createdMillis,samplesInModel,sourcesInModel,rounds,holdoutAccuracy,holdoutLoss,"
            + "prequentialAccuracy,prequentialLoss,roundStaleness,windowPrequentialAccuracy,windowPrequentialLoss,"
            + "holdoutMacroF1,holdoutAuc,holdoutRmse,holdoutMae,roundUpdates,roundSources,"
            + "roundsSkipped,updatesRejected,updatesTooStale,epsilon,globalDrifts";

    private final String job;
    private final ModelSpec spec;
    private final String outDir;
    private final HoldoutSupplier holdout;
    private final long evaluationIntervalMillis;
    private final String messageKey;
    private final String loopId;

    private transient ListState<Long> offsetState;
    private transient ListState<GlobalModel> partialState;
    /** {last written version, its job id, its parent's version, the parent's job id}, as strings. */
    private transient ListState<String> lineageState;
    private transient long lastVersion;
    private transient String lastJobId;
    private transient long parentVersion;
    private transient String parentJobId;
    /** The newest version emitted as a {@link PublishedModel}, -1 before the first. */
    private transient long lastEmitted;
    private transient String jobId;
    private transient long restoredLength;
    private transient TreeMap<Long, GlobalModel[]> partial;
    private transient GlobalModel[] finals;
    private transient CheckpointedAppender metrics;
    private transient HoldoutSets holdouts;
    private transient Model model;
    private transient ObjectMapper json;
    private transient long lastEvaluationMillis;
    /** The newest scored holdout figures and the newest prequential figures, for the Flink gauges. */
    private transient volatile HoldoutSets.Scores lastScores;
    private transient volatile GlobalModel lastPiece;

    public ModelWriter(String job, ModelSpec spec, String outDir, HoldoutSupplier holdout, long evaluationIntervalMillis) {
        this(job, spec, outDir, holdout, evaluationIntervalMillis, null, null);
    }

    /**
     * @param messageKey the model topic's message key; null = emit nothing downstream
     * @param loopId the learning loop's id, written into each message
     */
    public ModelWriter(String job, ModelSpec spec, String outDir, HoldoutSupplier holdout, long evaluationIntervalMillis,
            String messageKey, String loopId) {
        this.evaluationIntervalMillis = evaluationIntervalMillis;
        this.job = job;
        this.spec = spec;
        this.outDir = outDir;
        this.holdout = holdout;
        this.messageKey = messageKey;
        this.loopId = loopId;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        offsetState = context.getOperatorStateStore().getListState(StateDescriptors.fileOffset("metrics"));
        partialState = context.getOperatorStateStore().getListState(
                StateDescriptors.partialVersions());
        restoredLength = -1;
        for (Long length : offsetState.get()) {
            restoredLength = Math.max(restoredLength, length);
        }
        partial = new TreeMap<>();
        for (GlobalModel piece : partialState.get()) {
            add(piece, false);
        }
        lineageState = context.getOperatorStateStore().getListState(
                StateDescriptors.lineage());
        List<String> lineage = new ArrayList<>();
        lineageState.get().forEach(lineage::add);
        lastEmitted = -1;
        if (lineage.size() >= 4) {
            lastVersion = Long.parseLong(lineage.get(0));
            lastJobId = lineage.get(1);
            parentVersion = Long.parseLong(lineage.get(2));
            parentJobId = lineage.get(3).isEmpty() ? null : lineage.get(3);
            // state written before model topics existed: take every version up to the last as emitted
            lastEmitted = lineage.size() >= 5 ? Long.parseLong(lineage.get(4)) : lastVersion;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        model = Model.of(spec);
        holdouts = holdout.get();
        Files.createDirectories(Path.of(outDir, "models"));
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        if (lastJobId != null && !lastJobId.equals(jobId)) {
            supersede(Path.of(outDir, "models"), lastVersion);
        }
        metrics = CheckpointedAppender.open(Path.of(outDir, RunFolder.METRICS), restoredLength,
                metricsHeader(holdouts.names()));
        lastScores = HoldoutSets.Scores.none(holdouts.names());
        var group = getMetricGroup();
        for (String figure : HoldoutColumns.FIGURES) {
            group.gauge(HoldoutColumns.primaryColumn(figure), () -> HoldoutColumns.figure(lastScores.primary(), figure));
        }
        for (String name : holdouts.names()) {
            var named = group.addGroup("holdout", name);
            for (String figure : HoldoutColumns.FIGURES) {
                named.gauge(figure, () -> HoldoutColumns.figure(lastScores.named().get(name), figure));
            }
        }
        group.gauge("prequentialAccuracy", () -> lastPiece == null ? Double.NaN : lastPiece.prequentialAccuracy());
        group.gauge("windowPrequentialAccuracy",
                () -> lastPiece == null ? Double.NaN : lastPiece.windowPrequentialAccuracy());
    }

    @Override
    public void processElement(StreamRecord<GlobalModel> record) throws Exception {
        add(record.getValue(), true);
    }

    private void add(GlobalModel piece, boolean write) throws Exception {
        if (piece.last()) {
            if (finals == null) {
                finals = new GlobalModel[piece.shards()];
            }
            finals[piece.shard()] = piece;
            if (write && complete(finals)) {
                publish(finals);
            }
            return;
        }
        GlobalModel[] pieces = partial.computeIfAbsent(piece.version(), v -> new GlobalModel[piece.shards()]);
        pieces[piece.shard()] = piece;
        if (write && complete(pieces)) {
            partial.remove(piece.version());
            publish(pieces);
        }
    }

    private static boolean complete(GlobalModel[] pieces) {
        for (GlobalModel p : pieces) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    private void publish(GlobalModel[] pieces) throws Exception {
        ShardPieces whole = new ShardPieces(spec.numParams());
        // each shard counts what it skipped or dropped; the same update reaches every shard, so the
        // largest count is the run's (a sum would count an update once per shard)
        long skipped = 0;
        long rejected = 0;
        long tooStale = 0;
        for (GlobalModel p : pieces) {
            skipped = Math.max(skipped, p.roundsSkipped());
            rejected = Math.max(rejected, p.updatesRejected());
            tooStale = Math.max(tooStale, p.updatesTooStale());
            whole.add(p.params(), p.version(), p.samplesInModel(), p.sourcesInModel(), p.rounds(), p.createdMillis());
        }
        float[] params = whole.params();
        long version = whole.version();
        long samples = whole.samples();
        long sources = whole.sources();
        long rounds = whole.rounds();
        long created = whole.createdMillis();
        GlobalModel first = pieces[0];
        lastPiece = first;
        // Scoring every version would put the holdout pass on the loop's critical path (through
        // back-pressure), so versions in between are published unscored.
        long now = System.currentTimeMillis();
        HoldoutSets.Scores scores;
        if (first.last() || now - lastEvaluationMillis >= evaluationIntervalMillis) {
            scores = holdouts.score(model, params);
            lastEvaluationMillis = now;
            lastScores = scores;
        } else {
            scores = HoldoutSets.Scores.none(holdouts.names());
        }
        Evaluator.Score score = scores.primary();

        byte[] bytes = toBytes(params);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String name = String.format("v%08d", version);
        Path models = Path.of(outDir, "models");
        Files.write(models.resolve(name + ".f32"), bytes);

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", SavedModel.FORMAT);
        meta.put("job", job);
        meta.put("version", version);
        meta.put("final", first.last());
        meta.put("createdMillis", created);
        meta.put("samplesInModel", samples);
        meta.put("sourcesInModel", sources);
        meta.put("rounds", rounds);
        meta.put("shards", pieces.length);
        if (version != lastVersion) {
            // each version is published once; should one come again, it keeps its own parent
            parentVersion = lastVersion;
            parentJobId = lastJobId;
            lastVersion = version;
            lastJobId = jobId;
        }
        meta.put("jobId", jobId);
        meta.put("parent", SavedModel.parent(parentVersion, parentJobId));
        meta.put("model", SavedModel.shape(spec));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holdoutExamples", score.examples());
        for (String figure : HoldoutColumns.FIGURES) {
            m.put(HoldoutColumns.primaryColumn(figure), finite(HoldoutColumns.figure(score, figure)));
        }
        m.put("holdoutLogLoss", spec.isClassifier() ? finite(score.loss()) : null);
        if (!scores.named().isEmpty()) {
            Map<String, Object> named = new LinkedHashMap<>();
            scores.named().forEach((holdout, s) -> named.put(holdout, figures(s)));
            m.put("holdouts", named);
        }
        m.put("prequentialAccuracy", finite(first.prequentialAccuracy()));
        m.put("prequentialLoss", finite(first.prequentialLoss()));
        m.put("windowPrequentialAccuracy", finite(first.windowPrequentialAccuracy()));
        m.put("windowPrequentialLoss", finite(first.windowPrequentialLoss()));
        m.put("roundUpdates", first.roundUpdates());
        m.put("roundSources", first.roundSources());
        m.put("roundSamples", first.roundSamples());
        m.put("roundStaleness", finite(first.roundStaleness()));
        m.put("roundsSkipped", skipped);
        m.put("updatesRejected", rejected);
        m.put("updatesTooStale", tooStale);
        // DP strategies run on one shard; null without DP, or without noise (no guarantee)
        m.put("epsilon", finite(first.epsilon()));
        m.put("dpDelta", finite(first.dpDelta()));
        // concept drifts the server detected up to this version (shard 0 watches them)
        m.put("globalDrifts", first.globalDrifts());
        meta.put("metrics", m);
        meta.put("params", name + ".f32");
        meta.put("paramsEncoding", SavedModel.ENCODING);
        meta.put("checksum", String.format("crc32:%08x", crc.getValue()));
        writeAtomically(models.resolve(name + ".json"), json.writeValueAsBytes(meta));
        writeAtomically(models.resolve(RunFolder.LATEST), json.writeValueAsBytes(meta));
        if (messageKey != null && version > lastEmitted) {
            lastEmitted = version;
            output.collect(new StreamRecord<>(new PublishedModel(messageKey, version,
                    ModelMessages.value(meta, params, loopId))));
        }

        StringBuilder row = new StringBuilder()
                .append(version + "," + created + "," + samples + "," + sources + "," + rounds + ","
                + csv(score.accuracy()) + "," + csv(score.loss()) + ","
                + csv(first.prequentialAccuracy()) + "," + csv(first.prequentialLoss()) + ","
                + csv(first.roundStaleness()) + "," + csv(first.windowPrequentialAccuracy()) + ","
                + csv(first.windowPrequentialLoss()) + "," + csv(score.macroF1()) + "," + csv(score.auc()) + ","
                + csv(score.rmse()) + "," + csv(score.mae()) + "," + first.roundUpdates() + ","
                + first.roundSources() + "," + skipped + "," + rejected + "," + tooStale + ","
                + csv(first.epsilon()) + "," + first.globalDrifts());
        for (Evaluator.Score s : scores.named().values()) {
            row.append(',').append(String.join(",", HoldoutColumns.cells(s)));
        }
        metrics.line(row.toString());
        metrics.flushedLength();
    }

    /**
     * Moves the files of versions after {@code restored} (left by the job this one was resumed
     * from, which went further) to {@code models/superseded/<their jobId>/}.
     */
    private void supersede(Path models, long restored) throws Exception {
        List<Path> later = new ArrayList<>();
        try (var files = Files.list(models)) {
            files.filter(p -> p.getFileName().toString().matches("v\\d{8}\\.json"))
                    .filter(p -> Long.parseLong(p.getFileName().toString().substring(1, 9)) > restored)
                    .forEach(later::add);
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
        Path restoredMeta = models.resolve(String.format("v%08d.json", restored));
        if (!later.isEmpty() && Files.exists(restoredMeta)) {
            writeAtomically(models.resolve(RunFolder.LATEST), Files.readAllBytes(restoredMeta));
        }
    }

    /** The header of {@code metrics.csv}: {@link #METRICS_HEADER}, then the named holdouts' columns. */
    static String metricsHeader(List<String> holdoutNames) {
        return holdoutNames.isEmpty() ? METRICS_HEADER
                : METRICS_HEADER + "," + String.join(",", HoldoutColumns.columns(holdoutNames));
    }

    /** A named holdout's figures in a version's metadata ({@code metrics.holdouts.<name>}). */
    private Map<String, Object> figures(Evaluator.Score score) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("examples", score.examples());
        for (String figure : HoldoutColumns.FIGURES) {
            f.put(figure, finite(HoldoutColumns.figure(score, figure)));
        }
        f.put("logLoss", spec.isClassifier() ? finite(score.loss()) : null);
        return f;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String csv(double value) {
        return HoldoutColumns.cell(value);
    }

    static byte[] toBytes(float[] params) {
        ByteBuffer buffer = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(params);
        return buffer.array();
    }

    private static void writeAtomically(Path target, byte[] bytes) throws Exception {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        offsetState.update(List.of(metrics.flushedLength()));
        List<GlobalModel> pieces = new ArrayList<>();
        partial.values().forEach(ps -> {
            for (GlobalModel p : ps) {
                if (p != null) {
                    pieces.add(p);
                }
            }
        });
        if (finals != null) {
            for (GlobalModel p : finals) {
                if (p != null) {
                    pieces.add(p);
                }
            }
        }
        partialState.update(pieces);
        if (lastJobId != null) {
            lineageState.update(List.of(Long.toString(lastVersion), lastJobId, Long.toString(parentVersion),
                    parentJobId == null ? "" : parentJobId, Long.toString(lastEmitted)));
        }
    }

    @Override
    public void close() throws Exception {
        if (metrics != null) {
            metrics.close();
        }
        super.close();
    }
}
