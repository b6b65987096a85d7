package org.fedflink.bench;

/**
 * The figures of one case, as written to {@code bench.json} (one object per case, in this field
 * order; NaN and negative sizes are written as null: not measured).
 *
 * @param name the case
 * @param workload model and data kind
 * @param data the examples' origin
 * @param status the job's final status (FINISHED when it ran to its end)
 * @param examples examples the job read (and trained on)
 * @param slots trainer subtasks, one slot each
 * @param sources distinct data sources (keys) the job saw
 * @param examplesPerSecond examples / trainSeconds
 * @param referenceExamplesPerSecond the plain-Java loop's steps per second
 * @param ratioPerSlot (examplesPerSecond / slots) / referenceExamplesPerSecond
 * @param anchorExamplesPerSecond the straightforward loop's ({@link Anchor}) steps per second over the same
 *     examples; NaN for a model without an anchor
 * @param ratioToAnchorPerSlot (examplesPerSecond / slots) / anchorExamplesPerSecond
 * @param cpuRatio the reference's CPU time in its steps / the process's CPU time during trainSeconds: the
 *     job's efficiency per CPU-second, which other load on the machine does not change much
 * @param latencyP50Millis median update-to-model latency, see {@link UpdateLatency}
 * @param latencyP99Millis 99th percentile of it
 * @param updates local updates the trainers emitted
 * @param versions global versions published
 * @param checkpoints completed checkpoints
 * @param checkpointMillis mean checkpoint duration
 * @param checkpointMaxMillis longest checkpoint duration
 * @param checkpointBytes full size of the largest checkpoint
 * @param checkpointIncrementalBytes mean bytes a checkpoint wrote (incremental)
 * @param checkpointStartDelayMillis mean time for the barrier to reach the last subtask
 * @param checkpointSyncMillis mean longest synchronous phase
 * @param checkpointAsyncMillis mean longest asynchronous phase
 * @param checkpointSlowestTask the task whose barrier came last most often
 * @param peakHeapBytes largest heap in use, polled every 10 ms during the job (garbage included)
 * @param peakHeapAfterGcBytes largest heap in use right after a garbage collection during the job
 * @param peakRssBytes peak resident set size of the process during the job
 * @param holdoutAccuracy the job's final global model on the holdout set
 * @param referenceHoldoutAccuracy the reference model on the same holdout set
 * @param anchorHoldoutAccuracy the anchor's model on the same holdout set
 * @param trainSeconds from the first example read to the first global version holding every example
 * @param cpuSeconds CPU time of the whole process (every thread) during trainSeconds
 * @param referenceSeconds time in the reference loop's steps
 * @param referenceCpuSeconds CPU time of the reference loop's thread in its steps
 * @param startupSeconds from the start of the MiniCluster to the first example read
 * @param jobWallSeconds from the start of the MiniCluster to the end of the job
 * @param tasks every task subtask's busy, back-pressured and idle time while the job trained, busiest first
 * @param runDir the case's run folder
 * @param command the {@code fedflink run} command of the case's job
 */
public record BenchResult(
        String name,
        String workload,
        String data,
        String status,
        long examples,
        int slots,
        long sources,
        double examplesPerSecond,
        double referenceExamplesPerSecond,
        double ratioPerSlot,
        double anchorExamplesPerSecond,
        double ratioToAnchorPerSlot,
        double cpuRatio,
        double latencyP50Millis,
        double latencyP99Millis,
        long updates,
        long versions,
        long checkpoints,
        double checkpointMillis,
        double checkpointMaxMillis,
        long checkpointBytes,
        double checkpointIncrementalBytes,
        double checkpointStartDelayMillis,
        double checkpointSyncMillis,
        double checkpointAsyncMillis,
        String checkpointSlowestTask,
        long peakHeapBytes,
        long peakHeapAfterGcBytes,
        long peakRssBytes,
        double holdoutAccuracy,
        double referenceHoldoutAccuracy,
        double anchorHoldoutAccuracy,
        double trainSeconds,
        double cpuSeconds,
        double referenceSeconds,
        double referenceCpuSeconds,
        double startupSeconds,
        double jobWallSeconds,
        java.util.List<TaskTimes> tasks,
        String runDir,
        String command) {

    public boolean finished() {
        return "FINISHED".equals(status);
    }

    /** A case that produced no figures. */
    static BenchResult failed(BenchCase c, String status, String runDir) {
        double nan = Double.NaN;
        return new BenchResult(c.name(), c.workload().description(), "", status, 0, c.parallelism(), 0, nan, nan,
                nan, nan, nan, nan, nan, nan, 0, 0, 0, nan, nan, -1, nan, nan, nan, nan, null, -1, -1, -1, nan, nan, nan,
                nan, nan,
                nan, nan, nan, nan, java.util.List.of(), runDir, "");
    }
}
