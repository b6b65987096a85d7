package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.Fairness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator tests of {@link SourceStats}: each source's reports summed into its row of
 * {@code sources.csv} — across more sources than it holds in memory, across a checkpoint and
 * restore, and from the operator state an earlier build checkpointed — and the worst-decile figure.
 */
class SourceStatsTest {

    @TempDir
    Path tmp;

    private static LocalUpdate report(String source, long samples, long correct, double lossSum) {
        return new LocalUpdate(0, source, 0, samples, lossSum, correct, new float[0], false, 0);
    }

    /** Holding {@code heldSources} sources' totals in memory, the rest in keyed state. */
    private KeyedOneInputStreamOperatorTestHarness<String, LocalUpdate, Void> harness(int heldSources)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new SourceStats(tmp.toString(), true, heldSources),
                LocalUpdate::source, Types.STRING);
    }

    /** The rows of sources.csv, sorted (the operator writes them in its state's order). */
    private List<String> rows() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(tmp.resolve(RunFolder.SOURCES)));
        assertThat(lines.remove(0)).isEqualTo(SourceStats.HEADER);
        lines.sort(null);
        return lines;
    }

    @Test
    void reports_summedPerSource_acrossMoreSourcesThanHeldInMemory() throws Exception {
        int sources = 2_005;
        double[] accuracies = new double[sources];
        try (var h = harness(1_000)) {
            h.open();
            for (int round = 0; round < 3; round++) {
                for (int s = 0; s < sources; s++) {
                    // source s: 4 samples a report, s % 5 of them correct in the last round only
                    h.processElement(report(String.format("s%05d", s), 4, round == 2 ? s % 5 : 0, 0.5), 0);
                }
            }
            // reports that only skip: other shards, none of the source's samples, the end of the input
            h.processElement(new LocalUpdate(1, "s00001", 0, 4, 1, 4, new float[0], false, 0), 0);
            h.processElement(report("empty", 0, 0, 0), 0);
            h.endInput();
            for (int s = 0; s < sources; s++) {
                accuracies[s] = s % 5 / 12.0;
            }
            List<String> rows = rows();
            assertThat(rows).hasSize(sources);
            assertThat(rows.get(0)).isEqualTo("s00000,12,0.000000,0.125000");
            assertThat(rows.get(3)).isEqualTo("s00003,12,0.250000,0.125000");
            assertThat(rows.get(4)).isEqualTo("s00004,12,0.333333,0.125000");
            assertThat(rows.get(5)).isEqualTo("s00005,12,0.000000,0.125000");
            SourceStats stats = (SourceStats) h.getOneInputOperator();
            assertThat(stats.worstDecileAccuracy()).isCloseTo(Fairness.worstFractionMean(accuracies, 0.1),
                    within(0.001));
            assertThat(stats.sourceCount()).isEqualTo(sources);
            assertThat(stats.spilledCount()).isEqualTo(sources - 1_000);
        }
    }

    @Test
    void snapshot_restore_keepsEveryTotal_heldOrInKeyedState() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2)) {
            h.open();
            h.processElement(report("a", 10, 7, 2.0), 0);
            h.processElement(report("b,c", 5, 1, 4.0), 0);
            h.processElement(report("d", 1, 1, 0.5), 0); // a, the least recent, goes to keyed state
            h.processElement(report("b,c", 5, 1, 4.0), 0);
            snapshot = h.snapshot(1, 1);
            h.processElement(report("a", 100, 100, 0), 0); // after the checkpoint: lost with it
        }
        try (var h = harness(2)) {
            h.initializeState(snapshot);
            h.open();
            SourceStats stats = (SourceStats) h.getOneInputOperator();
            assertThat(stats.spilledCount()).isEqualTo(1);
            h.processElement(report("a", 10, 3, 2.0), 0); // back from keyed state; d goes there
            h.endInput();
            assertThat(rows()).containsExactly("\"b,c\",10,0.200000,0.800000", "a,20,0.500000,0.200000",
                    "d,1,1.000000,0.500000");
            assertThat(stats.sourceCount()).isEqualTo(3);
            assertThat(stats.spilledCount()).isEqualTo(1);
        }
    }

    @Test
    void everySourceInTheOperatorStateOfAnEarlierBuild_moreThanFit_restIntoKeyedState() throws Exception {
        OperatorSubtaskState earlier;
        try (var h = new OneInputStreamOperatorTestHarness<>(new EarlierSourceStats())) {
            h.open();
            earlier = h.snapshot(1, 1);
        }
        try (var h = harness(1)) {
            h.initializeState(earlier);
            h.open();
            assertThat(((SourceStats) h.getOneInputOperator()).spilledCount()).isEqualTo(1);
            h.processElement(report("a", 2, 2, 1.0), 0);
            h.endInput();
            assertThat(rows()).containsExactly("a,10,0.700000,0.300000", "b,4,0.250000,1.000000");
        }
    }

    /** Stands in for the earlier build's operator: every source's totals as operator list state. */
    private static final class EarlierSourceStats extends AbstractStreamOperator<Void>
            implements OneInputStreamOperator<LocalUpdate, Void> {
        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            ListState<SourceStats.SourceTotals> totals = context.getOperatorStateStore()
                    .getListState(StateDescriptors.sourceTotals());
            totals.update(List.of(totals("a", 8, 5, 2.0), totals("b", 4, 1, 4.0)));
        }

        private static SourceStats.SourceTotals totals(String source, long samples, long correct, double lossSum) {
            SourceStats.SourceTotals t = SourceStats.SourceTotals.of(source);
            t.samples = samples;
            t.correct = correct;
            t.lossSum = lossSum;
            return t;
        }

        @Override
        public void processElement(StreamRecord<LocalUpdate> element) {}
    }
}
