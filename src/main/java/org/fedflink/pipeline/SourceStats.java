package org.fedflink.pipeline;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.WorstFractionHistogram;

/**
 * Per-source prequential figures: each source's examples, accuracy and loss as its trainer
 * predicted them before training, from the updates the source reports (one piece per update, the
 * shard-0 piece). Writes {@code sources.csv} every few seconds and at the end (replacing it whole,
 * so a restore simply rewrites it from the checkpointed totals), and exposes the fairness figure —
 * the mean accuracy of the worst 10 % of sources — as the Flink gauge {@code worstDecileAccuracy}
 * (within 0.001, from a {@link WorstFractionHistogram}).
 *
 * <p>Keyed by source, with parallelism 1: each source's totals live in keyed state (RocksDB in a
 * real job), so the heap does not grow with the number of sources. Reports are summed in memory
 * for at most {@value #PENDING_SOURCES} sources and written to the state when that many are
 * pending, before a file is written and before a checkpoint; the file's rows come in the state's
 * order, not sorted.
 */
public final class SourceStats extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<LocalUpdate, Void>, BoundedOneInput {
    private static final long serialVersionUID = 2L;

    public static final String HEADER = "source,samples,prequentialAccuracy,prequentialLoss";
    /** The share of sources the fairness figure averages over: the worst 10 %. */
    public static final double WORST_FRACTION = 0.1;
    private static final long WRITE_INTERVAL_MILLIS = 5_000;
    /** Sources whose reports are summed in memory before they are added to their state. */
    static final int PENDING_SOURCES = 4_096;

    private final String outDir;
    private final boolean classifier;

    private transient ValueState<SourceTotals> totals;
    private transient ListState<Long> checkpointedSourceCount;
    private transient Map<String, SourceTotals> pending;
    private transient long sourceCount;
    private transient boolean dirty;
    private transient volatile double worstDecile = Double.NaN;

    SourceStats(String outDir, boolean classifier) {
        this.outDir = outDir;
        this.classifier = classifier;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        totals = context.getKeyedStateStore().getState(StateDescriptors.sourceTotals());
        checkpointedSourceCount = context.getOperatorStateStore().getListState(StateDescriptors.sourceCount());
        pending = new HashMap<>();
        sourceCount = 0;
        for (long count : checkpointedSourceCount.get()) {
            sourceCount += count;
        }
        // a checkpoint of a build that held the totals in operator state: they move into keyed state
        ListState<SourceTotals> legacy = context.getOperatorStateStore()
                .getListState(StateDescriptors.legacySourceTotals());
        for (SourceTotals t : legacy.get()) {
            pending.put(t.source, t);
        }
        legacy.clear();
        flushPending();
        dirty = sourceCount > 0;
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge("worstDecileAccuracy", () -> worstDecile);
        getMetricGroup().gauge("sourcesTracked", () -> sourceCount);
        scheduleWrite();
    }

    private void scheduleWrite() {
        long due = getProcessingTimeService().getCurrentProcessingTime() + WRITE_INTERVAL_MILLIS;
        getProcessingTimeService().registerTimer(due, time -> {
            if (dirty) {
                write();
            }
            scheduleWrite();
        });
    }

    /** The worst-decile accuracy as of the last file written (the gauge's value). */
    double worstDecileAccuracy() {
        return worstDecile;
    }

    /** Sources with totals (the gauge's value). */
    long sourcesTracked() {
        return sourceCount;
    }

    @Override
    public void processElement(StreamRecord<LocalUpdate> record) throws Exception {
        LocalUpdate update = record.getValue();
        if (update.endOfInput() || update.shard() != 0 || update.samples() == 0) {
            return;
        }
        SourceTotals t = pending.get(update.source());
        if (t == null) {
            if (pending.size() >= PENDING_SOURCES) {
                flushPending();
            }
            t = SourceTotals.of(update.source());
            pending.put(update.source(), t);
        }
        t.samples += update.samples();
        t.correct += update.correct();
        t.lossSum += update.lossSum();
        dirty = true;
    }

    /** Adds the pending sums to each source's state. */
    private void flushPending() throws Exception {
        Object key = getCurrentKey();
        for (SourceTotals t : pending.values()) {
            setCurrentKey(t.source);
            SourceTotals stored = totals.value();
            if (stored == null) {
                sourceCount++;
                totals.update(t);
            } else {
                stored.samples += t.samples;
                stored.correct += t.correct;
                stored.lossSum += t.lossSum;
                totals.update(stored);
            }
        }
        pending.clear();
        if (key != null) {
            setCurrentKey(key);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        flushPending();
        checkpointedSourceCount.update(List.of(sourceCount));
    }

    @Override
    public void endInput() throws Exception {
        write();
    }

    private void write() throws Exception {
        flushPending();
        Path dir = Path.of(outDir);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(RunFolder.SOURCES + ".tmp");
        WorstFractionHistogram accuracies = new WorstFractionHistogram();
        try (BufferedWriter csv = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            csv.write(HEADER);
            csv.write('\n');
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.sourceTotals(), (source, state) -> {
                        SourceTotals t = state.value();
                        double accuracy = classifier ? (double) t.correct / t.samples : Double.NaN;
                        accuracies.add(accuracy);
                        csv.write(csvField(t.source) + ',' + t.samples + ',' + number(accuracy) + ','
                                + number(t.lossSum / t.samples) + '\n');
                    });
        }
        worstDecile = classifier ? accuracies.worstFractionMean(WORST_FRACTION) : Double.NaN;
        Files.move(tmp, dir.resolve(RunFolder.SOURCES), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        dirty = false;
    }

    /**
     * Six decimals, half up, as {@code String.format(Locale.ROOT, "%.6f", value)} writes a
     * non-negative figure, without the formatter's per-call setup (the file is rewritten every few
     * seconds with a line per source, 100,000 lines in a large run).
     */
    static String number(double value) {
        return Double.isFinite(value)
                ? java.math.BigDecimal.valueOf(value).setScale(6, java.math.RoundingMode.HALF_UP).toPlainString()
                : "";
    }

    /** RFC 4180 quoting for source names with commas, quotes or line breaks. */
    static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /** One source's running totals (a Flink POJO, for operator state). */
    public static class SourceTotals {
        public String source;
        public long samples;
        public long correct;
        public double lossSum;

        public SourceTotals() {}

        static SourceTotals of(String source) {
            SourceTotals t = new SourceTotals();
            t.source = source;
            return t;
        }
    }

}
