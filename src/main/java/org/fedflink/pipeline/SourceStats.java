package org.fedflink.pipeline;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * shard-0 piece). Writes {@code sources.csv} every 5 s — less often when writing it takes over a
 * twentieth of that — and at the end (replacing it whole, so a restore simply rewrites it from the
 * checkpointed totals), and exposes the fairness figure — the mean accuracy of the worst 10 % of
 * sources — as the Flink gauge {@code worstDecileAccuracy} (within 0.001, from a
 * {@link WorstFractionHistogram}).
 *
 * <p>Runs with parallelism 1, keyed by source. The totals of the {@value #HELD_SOURCES} most
 * recently reporting sources are held in memory (and checkpointed as operator state); a source
 * beyond them sends the least recently reporting one's totals to keyed state (RocksDB in a real
 * job), from which they come back when that source reports again. So the heap does not grow with
 * the number of sources, and up to that many cost no state access per report. The file lists the
 * held sources, then those in keyed state.
 */
public final class SourceStats extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<LocalUpdate, Void>, BoundedOneInput {
    private static final long serialVersionUID = 2L;

    public static final String HEADER = "source,samples,prequentialAccuracy,prequentialLoss";
    /** The share of sources the fairness figure averages over: the worst 10 %. */
    public static final double WORST_FRACTION = 0.1;
    private static final long WRITE_INTERVAL_MILLIS = 5_000;
    /**
     * The file is written at most once per this many times the last write took: with many sources
     * (a row each, some read from keyed state) writing it every 5 s would take much of the
     * operator's time.
     */
    private static final long WRITE_TIME_SHARE_INVERSE = 20;
    /**
     * Sources whose totals are held in memory: about 150 bytes each, 19 MB in all. Generous, because
     * a report of a source not held costs three state accesses (in the bench's 100,000-source case
     * with 65,536 held, a third of the reports missed and the job lost a third of its throughput).
     */
    static final int HELD_SOURCES = 131_072;

    private final String outDir;
    private final boolean classifier;
    private final int heldSources;

    /** Least recently reporting first. */
    private transient LinkedHashMap<String, SourceTotals> held;
    private transient ListState<SourceTotals> checkpointedHeld;
    private transient ValueState<SourceTotals> spilled;
    private transient ListState<Long> checkpointedSpilledCount;
    private transient long spilledCount;
    private transient boolean dirty;
    private transient long lastWriteMillis;
    private transient volatile double worstDecile = Double.NaN;

    SourceStats(String outDir, boolean classifier) {
        this(outDir, classifier, HELD_SOURCES);
    }

    /** With {@code heldSources} sources' totals in memory (tests: fewer, to reach keyed state). */
    SourceStats(String outDir, boolean classifier, int heldSources) {
        this.outDir = outDir;
        this.classifier = classifier;
        this.heldSources = heldSources;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        spilled = context.getKeyedStateStore().getState(StateDescriptors.spilledSourceTotals());
        checkpointedSpilledCount = context.getOperatorStateStore()
                .getListState(StateDescriptors.spilledSourceCount());
        checkpointedHeld = context.getOperatorStateStore().getListState(StateDescriptors.sourceTotals());
        spilledCount = 0;
        for (long count : checkpointedSpilledCount.get()) {
            spilledCount += count;
        }
        held = new LinkedHashMap<>(16, 0.75f, true);
        for (SourceTotals t : checkpointedHeld.get()) {
            held.put(t.source, t);
            // a checkpoint of a build that held every source in memory may hold more than fit
            spillBeyondCapacity();
        }
        dirty = sourceCount() > 0;
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge("worstDecileAccuracy", () -> worstDecile);
        getMetricGroup().gauge("sourcesTracked", this::sourceCount);
        scheduleWrite();
    }

    private void scheduleWrite() {
        long due = getProcessingTimeService().getCurrentProcessingTime()
                + Math.max(WRITE_INTERVAL_MILLIS, WRITE_TIME_SHARE_INVERSE * lastWriteMillis);
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
    long sourceCount() {
        return held.size() + spilledCount;
    }

    /** Sources whose totals are in keyed state. */
    long spilledCount() {
        return spilledCount;
    }

    @Override
    public void processElement(StreamRecord<LocalUpdate> record) throws Exception {
        LocalUpdate update = record.getValue();
        if (update.endOfInput() || update.shard() != 0 || update.samples() == 0) {
            return;
        }
        SourceTotals t = held.get(update.source());
        if (t == null) {
            // the source is the current key: its totals, if sent to keyed state, come back from it
            t = spilledCount == 0 ? null : spilled.value();
            if (t == null) {
                t = SourceTotals.of(update.source());
            } else {
                spilled.clear();
                spilledCount--;
            }
            held.put(update.source(), t);
            spillBeyondCapacity();
        }
        t.samples += update.samples();
        t.correct += update.correct();
        t.lossSum += update.lossSum();
        dirty = true;
    }

    /** Sends the least recently reporting sources' totals to keyed state while more are held than fit. */
    private void spillBeyondCapacity() throws Exception {
        if (held.size() <= heldSources) {
            return;
        }
        Object key = getCurrentKey();
        Iterator<SourceTotals> eldest = held.values().iterator();
        while (held.size() > heldSources) {
            SourceTotals t = eldest.next();
            eldest.remove();
            setCurrentKey(t.source);
            spilled.update(t);
            spilledCount++;
        }
        if (key != null) {
            setCurrentKey(key);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedHeld.update(new ArrayList<>(held.values()));
        checkpointedSpilledCount.update(List.of(spilledCount));
    }

    @Override
    public void endInput() throws Exception {
        write();
    }

    private void write() throws Exception {
        long start = System.nanoTime();
        Path dir = Path.of(outDir);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(RunFolder.SOURCES + ".tmp");
        WorstFractionHistogram accuracies = new WorstFractionHistogram();
        try (BufferedWriter csv = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            csv.write(HEADER);
            csv.write('\n');
            for (SourceTotals t : held.values()) {
                writeRow(csv, t, accuracies);
            }
            if (spilledCount > 0) {
                getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                        StateDescriptors.spilledSourceTotals(),
                        (source, state) -> writeRow(csv, state.value(), accuracies));
            }
        }
        worstDecile = classifier ? accuracies.worstFractionMean(WORST_FRACTION) : Double.NaN;
        Files.move(tmp, dir.resolve(RunFolder.SOURCES), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        dirty = false;
        lastWriteMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private void writeRow(BufferedWriter csv, SourceTotals t, WorstFractionHistogram accuracies) throws IOException {
        double accuracy = classifier ? (double) t.correct / t.samples : Double.NaN;
        accuracies.add(accuracy);
        csv.write(csvField(t.source) + ',' + t.samples + ',' + number(accuracy) + ',' + number(t.lossSum / t.samples)
                + '\n');
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
