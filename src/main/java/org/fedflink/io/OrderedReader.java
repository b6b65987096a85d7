package org.fedflink.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;

/**
 * Reads the positions of its splits of a {@link RecordSequence} in order. A reader normally holds
 * one split (its group); when it holds several (after a restore with fewer readers), it merges
 * them by position, so its output is still in the sequence's order.
 *
 * <p>Each record carries its event time ({@link RecordSequence#timestamp}) for the source's
 * watermarks. Pausing a split (watermark alignment) holds it back until it is resumed.
 */
final class OrderedReader<T> implements SourceReader<T, OrderedSplit> {

    /** A split being read and the next position of its group in it. */
    private final class Cursor {
        private final OrderedSplit split;
        private long position;
        private boolean sought;

        Cursor(OrderedSplit split) {
            this.split = split;
            this.position = split.next();
        }

        /** Moves to the next position of the split's group; whether there is one. */
        boolean seek() {
            if (!sought) {
                long end = split.end();
                if (split.groups() > 1) {
                    while (position < end && sequence.groupOf(position, split.groups()) != split.group()) {
                        position++;
                    }
                }
                sought = true;
            }
            return position < split.end();
        }

        long take() {
            sought = false;
            return position++;
        }
    }

    private final RecordSequence<T> sequence;
    private final SourceReaderContext context;
    private final List<Cursor> cursors = new ArrayList<>();
    private final Set<String> paused = new HashSet<>();
    private boolean noMoreSplits;
    private boolean requested;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    OrderedReader(RecordSequence<T> sequence, SourceReaderContext context) {
        this.sequence = sequence;
        this.context = context;
    }

    @Override
    public void start() {
        try {
            sequence.open(context.metricGroup());
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the input: " + e.getMessage(), e);
        }
        if (cursors.isEmpty()) {
            requestSplit();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        Cursor earliest = null;
        for (int i = cursors.size() - 1; i >= 0; i--) {
            Cursor cursor = cursors.get(i);
            if (!cursor.seek()) {
                cursors.remove(i);
            } else if (!paused.contains(cursor.split.splitId())
                    && (earliest == null || cursor.position < earliest.position)) {
                earliest = cursor;
            }
        }
        if (earliest == null) {
            if (cursors.isEmpty() && noMoreSplits) {
                return InputStatus.END_OF_INPUT;
            }
            if (cursors.isEmpty()) {
                requestSplit();
            }
            resetAvailability();
            return InputStatus.NOTHING_AVAILABLE;
        }
        T record = sequence.read(earliest.take());
        long timestamp = sequence.timestamp(record);
        if (timestamp == RecordSequence.NO_TIMESTAMP) {
            output.collect(record);
        } else {
            output.collect(record, timestamp);
        }
        return InputStatus.MORE_AVAILABLE;
    }

    private void requestSplit() {
        if (!requested && !noMoreSplits) {
            requested = true;
            context.sendSplitRequest();
        }
    }

    private void resetAvailability() {
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
    }

    @Override
    public List<OrderedSplit> snapshotState(long checkpointId) {
        List<OrderedSplit> state = new ArrayList<>(cursors.size());
        for (Cursor cursor : cursors) {
            state.add(cursor.split.at(cursor.position));
        }
        return state;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<OrderedSplit> splits) {
        for (OrderedSplit split : splits) {
            cursors.add(new Cursor(split));
        }
        requested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
        paused.addAll(toPause);
        paused.removeAll(toResume);
        available.complete(null);
    }

    @Override
    public void close() throws Exception {
        sequence.close();
    }
}
