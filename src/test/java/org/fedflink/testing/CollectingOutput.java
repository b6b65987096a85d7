package org.fedflink.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;

/**
 * What a hand-driven {@code SourceReader} emits: the records in order, with their event times
 * ({@link #NO_TIMESTAMP} for a record emitted without one).
 */
public class CollectingOutput<T> implements ReaderOutput<T> {

    /** The event time of a record collected without one. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public final List<T> records = new ArrayList<>();
    public final List<Long> timestamps = new ArrayList<>();

    @Override
    public void collect(T record) {
        records.add(record);
        timestamps.add(NO_TIMESTAMP);
    }

    @Override
    public void collect(T record, long timestamp) {
        records.add(record);
        timestamps.add(timestamp);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    @Override
    public SourceOutput<T> createOutputForSplit(String splitId) {
        return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {}
}
