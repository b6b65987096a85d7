package org.fedflink.bench;

import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
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
 * @param meanStartDelayMillis where the time goes, over the completed checkpoints in Flink's
 *     history (the last 10): mean of each checkpoint's longest start delay (trigger to the barrier
 *     reaching a subtask: the barrier's wait behind buffered records, i.e. back-pressure)
 * @param meanSyncMillis mean of each checkpoint's longest synchronous phase (incl. the trainers'
 *     write-back of cached models before the barrier)
 * @param meanAsyncMillis mean of each checkpoint's longest asynchronous phase (uploading the state)
 * @param slowestTask the task (job vertex) whose barrier came last most often, null without checkpoints
 */
record CheckpointFigures(long completed, double meanMillis, double maxMillis, long maxStateBytes,
        double meanCheckpointedBytes, double meanStartDelayMillis, double meanSyncMillis, double meanAsyncMillis,
        String slowestTask) {

    static final CheckpointFigures NONE = new CheckpointFigures(0, Double.NaN, Double.NaN, -1, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, null);

    static CheckpointFigures of(AccessExecutionGraph graph) {
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        if (stats == null || stats.getCounts().getNumberOfCompletedCheckpoints() == 0) {
            return NONE;
        }
        CompletedCheckpointStatsSummarySnapshot summary = stats.getSummaryStats();
        StatsSummarySnapshot duration = summary.getEndToEndDurationStats();
        StatsSummarySnapshot checkpointed = summary.getCheckpointedSize();
        double startDelay = 0;
        double sync = 0;
        double async = 0;
        int n = 0;
        java.util.Map<String, Integer> lastBarrier = new java.util.HashMap<>();
        for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
            if (c.getStatus() != CheckpointStatsStatus.COMPLETED) {
                continue;
            }
            long d = 0;
            long sy = 0;
            long as = 0;
            String last = null;
            for (TaskStateStats task : c.getAllTaskStateStats()) {
                TaskStateStats.TaskStateStatsSummary t = task.getSummaryStats();
                long delay = t.getCheckpointStartDelayStats().getMaximum();
                if (last == null || delay > d) {
                    var vertex = graph.getJobVertex(task.getJobVertexId());
                    last = vertex == null ? task.getJobVertexId().toString() : vertex.getName();
                }
                d = Math.max(d, delay);
                sy = Math.max(sy, t.getSyncCheckpointDurationStats().getMaximum());
                as = Math.max(as, t.getAsyncCheckpointDurationStats().getMaximum());
            }
            if (last != null) {
                lastBarrier.merge(last, 1, Integer::sum);
            }
            startDelay += d;
            sync += sy;
            async += as;
            n++;
        }
        return new CheckpointFigures(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                mean(duration),
                duration.getCount() == 0 ? Double.NaN : duration.getMaximum(),
                summary.getStateSizeStats().getCount() == 0 ? -1 : summary.getStateSizeStats().getMaximum(),
                mean(checkpointed),
                n == 0 ? Double.NaN : startDelay / n,
                n == 0 ? Double.NaN : sync / n,
                n == 0 ? Double.NaN : async / n,
                lastBarrier.entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                        .map(java.util.Map.Entry::getKey).orElse(null));
    }

    private static double mean(StatsSummarySnapshot s) {
        return s.getCount() == 0 ? Double.NaN : (double) s.getSum() / s.getCount();
    }
}
