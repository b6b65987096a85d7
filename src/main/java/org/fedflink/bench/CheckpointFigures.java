package org.fedflink.bench;

import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStatsSummarySnapshot;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;

/**
 * The checkpoints a job completed, from Flink's own checkpoint statistics (what the Web UI's
 * Checkpoints tab and {@code GET /jobs/:id/checkpoints} show), read from the finished job's
 * execution graph in the MiniCluster.
 *
 * @param completed completed checkpoints (including the final one a bounded job takes as it ends)
 * @param meanMillis mean end-to-end duration (trigger to last acknowledgement), NaN without checkpoints
 * @param maxMillis longest end-to-end duration, NaN without checkpoints
 * @param maxStateBytes full size of the largest checkpoint (all state it refers to), -1 without checkpoints
 * @param meanCheckpointedBytes mean size of what a checkpoint wrote (incremental: the new RocksDB
 *     files only), NaN without checkpoints
 */
record CheckpointFigures(long completed, double meanMillis, double maxMillis, long maxStateBytes,
        double meanCheckpointedBytes) {

    static final CheckpointFigures NONE = new CheckpointFigures(0, Double.NaN, Double.NaN, -1, Double.NaN);

    static CheckpointFigures of(AccessExecutionGraph graph) {
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        if (stats == null || stats.getCounts().getNumberOfCompletedCheckpoints() == 0) {
            return NONE;
        }
        CompletedCheckpointStatsSummarySnapshot summary = stats.getSummaryStats();
        StatsSummarySnapshot duration = summary.getEndToEndDurationStats();
        StatsSummarySnapshot checkpointed = summary.getCheckpointedSize();
        return new CheckpointFigures(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                mean(duration),
                duration.getCount() == 0 ? Double.NaN : duration.getMaximum(),
                summary.getStateSizeStats().getCount() == 0 ? -1 : summary.getStateSizeStats().getMaximum(),
                mean(checkpointed));
    }

    private static double mean(StatsSummarySnapshot s) {
        return s.getCount() == 0 ? Double.NaN : (double) s.getSum() / s.getCount();
    }
}
