package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sources of one trainer subtask that wait for an event-time round boundary, in operator
 * memory by boundary: a watermark that passes a boundary reports them all at once, instead of one
 * timer per source in the state backend (at 100,000 sources nearly every example set such a
 * timer, a RocksDB write, and each one fired separately).
 *
 * <p>Not checkpointed: the trainer gives a source a keyed timer whenever its state goes to keyed
 * state (evicted from the cache, written back before a barrier), so after a restore the keyed
 * timers alone cover every pending source. Bounded at {@code capacity} entries; beyond it the
 * trainer falls back to a keyed timer at once. An entry is only a hint: when it is due, the trainer
 * reports the source if it is still cached and has something to report.
 */
final class PendingBoundaries {

    /** The sources whose boundary a watermark has passed. */
    record Due(long boundary, List<String> sources) {}

    private final TreeMap<Long, List<String>> byBoundary = new TreeMap<>();
    private final int capacity;
    private int size;

    PendingBoundaries(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Notes that {@code source} waits for {@code boundary}; false (nothing noted) when full. */
    boolean add(long boundary, String source) {
        if (size >= capacity) {
            return false;
        }
        byBoundary.computeIfAbsent(boundary, b -> new ArrayList<>()).add(source);
        size++;
        return true;
    }

    /** Removes and returns the earliest boundary at or before {@code watermark} with its sources, or null. */
    Due pollDue(long watermark) {
        Map.Entry<Long, List<String>> first = byBoundary.firstEntry();
        if (first == null || first.getKey() > watermark) {
            return null;
        }
        byBoundary.pollFirstEntry();
        size -= first.getValue().size();
        return new Due(first.getKey(), first.getValue());
    }
}
