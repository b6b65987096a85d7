package org.fedflink.pipeline;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which published versions keep their files in {@code models/}, so that an unbounded job's disk
 * use stays bounded: the newest {@code keepLast} versions, every version whose number is a
 * multiple of {@code keepEvery}, and every version a retained checkpoint holds (the newest version
 * written when it was taken: resuming from that checkpoint continues from it, and
 * {@code models/latest.json} points back at it). {@code keepLast = 0} keeps every version.
 *
 * <p>Plain Java: the model writer tells it what it wrote and what the checkpoints took and
 * completed, and deletes what it answers.
 */
final class VersionRetention {

    /** What to keep, as the job spec says ({@code output.models}). */
    record Policy(int keepLast, int keepEvery) implements Serializable {
        Policy {
            if (keepLast < 0 || keepEvery < 0) {
                throw new IllegalArgumentException("keepLast and keepEvery must be >= 0, got " + keepLast + " and "
                        + keepEvery);
            }
        }

        static Policy keepEveryVersion() {
            return new Policy(0, 0);
        }

        boolean keepsEveryVersion() {
            return keepLast == 0;
        }
    }

    private final Policy policy;
    private final int retainedCheckpoints;
    /** The newest version written at each checkpoint taken and not yet completed (or given up). */
    private final TreeMap<Long, Long> pendingCheckpoints = new TreeMap<>();
    /** The newest version written at each of the last {@code retainedCheckpoints} completed ones. */
    private final Deque<Long> retainedVersions = new ArrayDeque<>();
    /** Versions out of the newest ones that a checkpoint still held when they left them. */
    private final TreeSet<Long> heldByCheckpoints = new TreeSet<>();
    private long newest = -1;

    /**
     * @param retainedCheckpoints how many completed checkpoints Flink keeps
     *     ({@code execution.checkpointing.num-retained})
     */
    VersionRetention(Policy policy, int retainedCheckpoints) {
        this.policy = policy;
        this.retainedCheckpoints = Math.max(1, retainedCheckpoints);
    }

    /** Whether {@code version} keeps its files, the newest written being {@code newest}. */
    boolean keeps(long version, long newest) {
        return policy.keepsEveryVersion()
                || version > newest - policy.keepLast()
                || keptForGood(version)
                || heldByACheckpoint(version);
    }

    private boolean keptForGood(long version) {
        return policy.keepEvery() > 0 && version % policy.keepEvery() == 0;
    }

    private boolean heldByACheckpoint(long version) {
        return retainedVersions.contains(version) || pendingCheckpoints.containsValue(version);
    }

    /** {@code version} was written; returns the versions whose files go now. */
    List<Long> written(long version) {
        newest = Math.max(newest, version);
        if (policy.keepsEveryVersion()) {
            return List.of();
        }
        long leaving = version - policy.keepLast();
        if (leaving < 0) {
            return List.of();
        }
        if (keptForGood(leaving)) {
            return List.of();
        }
        if (heldByACheckpoint(leaving)) {
            heldByCheckpoints.add(leaving);
            return List.of();
        }
        return List.of(leaving);
    }

    /** A checkpoint was taken with {@link #written} last told {@code newest}. */
    void checkpointTaken(long checkpointId) {
        if (newest >= 0) {
            pendingCheckpoints.put(checkpointId, newest);
        }
    }

    /**
     * Checkpoint {@code checkpointId} completed: it and the ones taken before it (subsumed) are no
     * longer pending, it is retained and the oldest retained one may go; returns the versions whose
     * files go now.
     */
    List<Long> checkpointCompleted(long checkpointId) {
        Map<Long, Long> done = pendingCheckpoints.headMap(checkpointId, true);
        Long version = pendingCheckpoints.get(checkpointId);
        done.clear();
        if (version != null) {
            retainedVersions.addLast(version);
            while (retainedVersions.size() > retainedCheckpoints) {
                retainedVersions.removeFirst();
            }
        }
        return released();
    }

    /** Versions, of those in {@code present}, that the policy does not keep with {@code newest} the newest. */
    List<Long> notKept(Collection<Long> present, long newest) {
        List<Long> out = new ArrayList<>();
        for (long v : present) {
            if (!keeps(v, newest)) {
                out.add(v);
            }
        }
        return out;
    }

    private List<Long> released() {
        List<Long> out = new ArrayList<>();
        for (var it = heldByCheckpoints.iterator(); it.hasNext(); ) {
            long v = it.next();
            if (!keeps(v, newest)) {
                out.add(v);
                it.remove();
            }
        }
        return out;
    }
}
