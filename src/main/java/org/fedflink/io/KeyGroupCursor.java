package org.fedflink.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks a {@link RecordSequence} in its order, stopping at the positions whose source falls in one
 * range of key groups: how a keyed operator subtask reads its own share of an input (the sources
 * Flink's {@code keyBy} would send it), every source's records in order.
 *
 * <p>What has been taken is kept per key group ({@link #positions}: the next position of each), so
 * that a checkpoint restores exactly once under any parallelism: a subtask given other key groups
 * after a rescale starts at the earliest of their positions and skips, in each, what was taken.
 */
public final class KeyGroupCursor {

    private final RecordSequence<?> sequence;
    private final int maxParallelism;
    private final int firstGroup;
    private final int lastGroup;
    private final long size;
    /** For each key group of the range, the position before which all was taken when restored. */
    private final long[] restored;
    /** Every position of the range before it has been taken (or restored as taken). */
    private long cursor;

    /**
     * @param firstGroup the first key group of the range
     * @param lastGroup the last key group of the range (inclusive)
     * @param restoredPositions {@code {keyGroup, nextPosition}} pairs from a checkpoint, of any key
     *     groups (those outside the range are ignored); empty to start from the beginning
     */
    public KeyGroupCursor(RecordSequence<?> sequence, int maxParallelism, int firstGroup, int lastGroup,
            Iterable<long[]> restoredPositions) {
        if (firstGroup < 0 || lastGroup < firstGroup || lastGroup >= maxParallelism) {
            throw new IllegalArgumentException("key groups [" + firstGroup + ", " + lastGroup + "] are not a range of "
                    + maxParallelism);
        }
        this.sequence = sequence;
        this.maxParallelism = maxParallelism;
        this.firstGroup = firstGroup;
        this.lastGroup = lastGroup;
        this.size = sequence.size();
        this.restored = new long[lastGroup - firstGroup + 1];
        for (long[] entry : restoredPositions) {
            int group = (int) entry[0];
            if (group >= firstGroup && group <= lastGroup) {
                restored[group - firstGroup] = Math.max(restored[group - firstGroup], entry[1]);
            }
        }
        long start = Long.MAX_VALUE;
        for (long position : restored) {
            start = Math.min(start, position);
        }
        this.cursor = Math.min(start, size);
    }

    /** The next position of the range not taken yet, now taken; -1 when there is none left. */
    public long next() {
        while (cursor < size) {
            long position = cursor++;
            int group = sequence.keyGroupOf(position, maxParallelism);
            if (group >= firstGroup && group <= lastGroup && position >= restored[group - firstGroup]) {
                return position;
            }
        }
        return -1;
    }

    /** Whether every position of the range has been taken. */
    public boolean ended() {
        return cursor >= size;
    }

    /** The positions taken so far: a {@code {keyGroup, nextPosition}} pair for each key group of the range. */
    public List<long[]> positions() {
        List<long[]> positions = new ArrayList<>(restored.length);
        for (int i = 0; i < restored.length; i++) {
            positions.add(new long[] {firstGroup + i, Math.max(restored[i], cursor)});
        }
        return positions;
    }
}
