package org.fedflink.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands out file splits in path-name order (then by offset), so a reader that reads a directory
 * one split at a time reads its files in name order. Flink's own assigners hand out splits
 * in no particular order (the simple one last-in first-out).
 */
public final class NameOrderSplitAssigner implements FileSplitAssigner {

    private static final Comparator<FileSourceSplit> ORDER = Comparator
            .comparing((FileSourceSplit split) -> split.path().toString())
            .thenComparingLong(FileSourceSplit::offset);

    private final PriorityQueue<FileSourceSplit> splits = new PriorityQueue<>(ORDER);

    public NameOrderSplitAssigner(Collection<FileSourceSplit> initial) {
        splits.addAll(initial);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(splits.poll());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> newSplits) {
        splits.addAll(newSplits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        ArrayList<FileSourceSplit> remaining = new ArrayList<>(splits);
        remaining.sort(ORDER);
        return remaining;
    }
}
