package org.fedflink.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.Fairness;

/**
 * Per-source prequential figures: each source's examples, accuracy and loss as its trainer
 * predicted them before training, from the updates the source reports (one piece per update, the
 * shard-0 piece). Writes {@code sources.csv} every few seconds and at the end (replacing it whole,
 * so a restore simply rewrites it from the checkpointed totals), and exposes the fairness figure —
 * the mean accuracy of the worst 10 % of sources — as the Flink gauge {@code worstDecileAccuracy}.
 *
 * <p>Runs with parallelism 1; its state grows with the number of sources (about 50 bytes each).
 */
public final class SourceStats extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<LocalUpdate, Void>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public static final String HEADER = "source,samples,prequentialAccuracy,prequentialLoss";
    /** The share of sources the fairness figure averages over: the worst 10 %. */
    public static final double WORST_FRACTION = 0.1;
    private static final long WRITE_INTERVAL_MILLIS = 5_000;

    private final String outDir;
    private final boolean classifier;

    private transient Map<String, SourceTotals> totals;
    private transient ListState<SourceTotals> checkpointed;
    private transient boolean dirty;
    private transient volatile double worstDecile = Double.NaN;

    SourceStats(String outDir, boolean classifier) {
        this.outDir = outDir;
        this.classifier = classifier;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getListState(
                StateDescriptors.sourceTotals());
        totals = new HashMap<>();
        for (SourceTotals t : checkpointed.get()) {
            totals.put(t.source, t);
        }
        dirty = !totals.isEmpty();
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge("worstDecileAccuracy", () -> worstDecile);
        getMetricGroup().gauge("sourcesTracked", () -> totals.size());
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

    @Override
    public void processElement(StreamRecord<LocalUpdate> record) {
        LocalUpdate update = record.getValue();
        if (update.endOfInput() || update.shard() != 0 || update.samples() == 0) {
            return;
        }
        SourceTotals t = totals.computeIfAbsent(update.source(), SourceTotals::of);
        t.samples += update.samples();
        t.correct += update.correct();
        t.lossSum += update.lossSum();
        dirty = true;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointed.update(new ArrayList<>(totals.values()));
    }

    @Override
    public void endInput() throws Exception {
        write();
    }

    private void write() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        List<Double> accuracies = new ArrayList<>();
        for (SourceTotals t : new TreeMap<>(totals).values()) {
            double accuracy = classifier ? (double) t.correct / t.samples : Double.NaN;
            accuracies.add(accuracy);
            csv.append(csvField(t.source)).append(',').append(t.samples).append(',')
                    .append(number(accuracy)).append(',').append(number(t.lossSum / t.samples)).append('\n');
        }
        worstDecile = classifier && !accuracies.isEmpty()
                ? Fairness.worstFractionMean(accuracies.stream().mapToDouble(Double::doubleValue).toArray(),
                        WORST_FRACTION)
                : Double.NaN;
        Path dir = Path.of(outDir);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(RunFolder.SOURCES + ".tmp");
        Files.writeString(tmp, csv, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(RunFolder.SOURCES), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
