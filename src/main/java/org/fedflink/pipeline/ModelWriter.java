package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.artifact.RunFolder;
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
 *
 * <p>Files by time ({@code output.models.intervalMillis}, {@link FileCadence}): a version that is
 * not due for files is published all the same (its {@code metrics.csv} row, the model topic); the
 * newest such version gets its files at the next checkpoint, the final version always, and a
 * version that gets files is scored on the holdout sets.
 *
 * <p>Retention ({@code output.models}, {@link VersionRetention}): the files of versions the policy
 * no longer keeps are deleted as newer ones are written and as checkpoints complete; the newest
 * version, {@code latest.json}, {@code metrics.csv} and the versions the retained checkpoints hold
 * always stay.
 *
 * <p>The operator keeps the state and does the I/O; {@link VersionAssembly} puts versions together,
 * {@link VersionScoring} scores them, {@link VersionReport} says what is written about them,
 * {@link VersionFiles} writes their files and {@link VersionLineage} keeps their line.
 */
public final class ModelWriter extends AbstractStreamOperator<PublishedModel>
        implements OneInputStreamOperator<GlobalModel, PublishedModel> {

    private final String job;
    private final ModelSpec spec;
    private final String outDir;
    private final HoldoutSupplier holdout;
    private final long evaluationIntervalMillis;
    private final String messageKey;
    private final String loopId;
    private final VersionRetention.Policy retentionPolicy;
    private final long fileIntervalMillis;

    private transient ListState<Long> offsetState;
    private transient ListState<GlobalModel> partialState;
    private transient ListState<String> lineageState;
    private transient long restoredLength;
    private transient VersionAssembly assembly;
    private transient WholeShards wholeShards;
    private transient VersionLineage lineage;
    private transient String jobId;
    private transient VersionScoring scoring;
    private transient VersionReport report;
    private transient VersionFiles files;
    private transient CheckpointedAppender metrics;
    private transient VersionRetention retention;
    private transient FileCadence cadence;
    /** The newest published version whose files wait for their turn or the next checkpoint; else null. */
    private transient Published awaitingFiles;
    /** The newest version's first piece, for the prequential gauges. */
    private transient volatile GlobalModel lastPiece;

    public ModelWriter(String job, ModelSpec spec, String outDir, HoldoutSupplier holdout, long evaluationIntervalMillis) {
        this(job, spec, outDir, holdout, evaluationIntervalMillis, null, null,
                VersionRetention.Policy.keepEveryVersion(), 0);
    }

    /**
     * @param messageKey the model topic's message key; null = emit nothing downstream
     * @param loopId the learning loop's id, written into each message
     * @param retentionPolicy which versions keep their files
     * @param fileIntervalMillis at most one version's files per this many milliseconds; 0: every version
     */
    public ModelWriter(String job, ModelSpec spec, String outDir, HoldoutSupplier holdout, long evaluationIntervalMillis,
            String messageKey, String loopId, VersionRetention.Policy retentionPolicy, long fileIntervalMillis) {
        this.retentionPolicy = retentionPolicy;
        this.fileIntervalMillis = fileIntervalMillis;
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
        assembly = new VersionAssembly(spec.numParams());
        for (GlobalModel piece : partialState.get()) {
            assembly.restore(piece);
        }
        lineageState = context.getOperatorStateStore().getListState(
                StateDescriptors.lineage());
        List<String> restoredLineage = new ArrayList<>();
        lineageState.get().forEach(restoredLineage::add);
        lineage = VersionLineage.restore(restoredLineage);
    }

    @Override
    public void open() throws Exception {
        super.open();
        Model model = Model.of(spec);
        scoring = new VersionScoring(holdout.get(), model, evaluationIntervalMillis);
        report = new VersionReport(job, spec);
        files = new VersionFiles(Path.of(outDir, RunFolder.MODELS));
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        if (lineage.lastWrittenByOtherThan(jobId)) {
            files.supersedeAfter(lineage.lastVersion());
        }
        var task = getContainingTask().getEnvironment();
        int retainedCheckpoints = Math.max(
                task.getJobConfiguration().get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS),
                task.getTaskManagerInfo().getConfiguration().get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS));
        retention = new VersionRetention(retentionPolicy, retainedCheckpoints);
        cadence = new FileCadence(fileIntervalMillis);
        if (!retentionPolicy.keepsEveryVersion()) {
            // what an earlier run under another policy, or one that failed between its deletions, left
            long restored = lineage.lastVersion();
            retention.written(restored);
            for (long version : retention.notKept(files.versions(), restored)) {
                files.delete(version);
            }
        }
        List<String> holdoutNames = scoring.holdoutNames();
        metrics = CheckpointedAppender.open(Path.of(outDir, RunFolder.METRICS), restoredLength,
                VersionReport.metricsHeader(holdoutNames));
        var group = getMetricGroup();
        for (String figure : HoldoutColumns.FIGURES) {
            group.gauge(HoldoutColumns.primaryColumn(figure),
                    () -> HoldoutColumns.figure(scoring.lastScores().primary(), figure));
        }
        for (String name : holdoutNames) {
            var named = group.addGroup("holdout", name);
            for (String figure : HoldoutColumns.FIGURES) {
                named.gauge(figure, () -> HoldoutColumns.figure(scoring.lastScores().named().get(name), figure));
            }
        }
        group.gauge("prequentialAccuracy", () -> lastPiece == null ? Double.NaN : lastPiece.prequentialAccuracy());
        group.gauge("windowPrequentialAccuracy",
                () -> lastPiece == null ? Double.NaN : lastPiece.windowPrequentialAccuracy());
    }

    @Override
    public void processElement(StreamRecord<GlobalModel> record) throws Exception {
        GlobalModel piece = record.getValue();
        if (wholeShards == null) {
            wholeShards = new WholeShards(piece.shards());
        }
        AssembledVersion version = assembly.add(wholeShards.whole(piece));
        if (version != null) {
            publish(version);
        }
    }

    private void publish(AssembledVersion version) throws Exception {
        lastPiece = version.first();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        boolean withFiles = cadence.due(version.last(), now);
        // a version with files of a thinned line is scored, so that each file has its figures
        HoldoutSets.Scores scores = scoring.score(version.params(),
                version.last() || withFiles && !cadence.everyVersion());
        lineage.written(version.version(), jobId);
        Published published = new Published(version, scores, lineage.parent());
        Map<String, Object> metadata = null;
        if (withFiles) {
            metadata = writeFiles(published, now);
        } else {
            awaitingFiles = published;
        }
        if (messageKey != null && lineage.emit(version.version())) {
            if (metadata == null) {
                metadata = report.metadata(version, scores, jobId, published.parent(),
                        VersionFiles.describe(version.version(), version.params()));
            }
            output.collect(new StreamRecord<>(new PublishedModel(messageKey, version.version(),
                    ModelMessages.value(metadata, version.params(), loopId))));
        }
        metrics.line(report.metricsRow(version, scores));
        metrics.flushedLength();
        // every version counts for retention, with files or not, so that each number leaves in turn
        for (long gone : retention.written(version.version())) {
            files.delete(gone);
        }
    }

    /**
     * Writes a version's parameter and metadata files (making it the latest), the newest version
     * to have them now; returns the metadata.
     */
    private Map<String, Object> writeFiles(Published v, long nowMillis) throws Exception {
        VersionFiles.Params params = files.writeParams(v.version().version(), v.version().params());
        Map<String, Object> metadata = report.metadata(v.version(), v.scores(), jobId, v.parent(), params);
        files.writeMetadata(v.version().version(), metadata, v.version().last(), nowMillis);
        cadence.written(nowMillis);
        awaitingFiles = null;
        return metadata;
    }

    /** A published version and what its metadata needs: its scores and its parent (version and job). */
    private record Published(AssembledVersion version, HoldoutSets.Scores scores, Map<String, Object> parent) {}

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (awaitingFiles != null) {
            // the version this checkpoint holds gets its files (resuming from it points latest.json there)
            writeFiles(awaitingFiles, now);
        }
        files.flushLatest(now);
        offsetState.update(List.of(metrics.flushedLength()));
        partialState.update(assembly.pieces());
        List<String> lineageNow = lineage.state();
        // before the first version there is nothing new: the state keeps what it was restored with
        if (!lineageNow.isEmpty()) {
            lineageState.update(lineageNow);
        }
        retention.checkpointTaken(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        for (long gone : retention.checkpointCompleted(checkpointId)) {
            files.delete(gone);
        }
    }

    @Override
    public void close() throws Exception {
        if (metrics != null) {
            metrics.close();
        }
        if (files != null) {
            files.flushLatest(getProcessingTimeService().getCurrentProcessingTime());
        }
        super.close();
    }
}
