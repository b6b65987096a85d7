package org.fedflink.pipeline;

import org.apache.flink.metrics.MetricGroup;
import org.fedflink.data.Example;
import org.fedflink.data.FileDataset;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.RowOrder;
import org.fedflink.io.FileInput;
import org.fedflink.io.RecordSequence;

/**
 * Replays a prepared {@link FileInput} as a numbered sequence for an
 * {@link org.fedflink.io.OrderedSource}: position {@code i} is row {@code order.rowAt(i)} of the
 * dataset, so passes and the per-pass shuffle need no buffering, and the checkpointed position
 * makes the replay exactly-once across restarts.
 *
 * <p>Each record gets its simulated source (partitioned inputs) and, when the data has no time, the
 * event time {@code startTime + i * interval} (arrival order), and is scaled. Invalid rows are
 * passed on with their reason, for the dead letter.
 */
final class FileRecords implements RecordSequence<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final FileInput input;
    private final RowOrder order;
    private final long startTimeMillis;
    private final long eventIntervalMillis;

    private transient FileDataset dataset;
    private transient String[] sourceNames;
    private transient UnknownFieldsMetric unknownFields;
    private transient SourceKeyGroups sourceKeyGroups;
    /** The permutation of the pass being read (positions come in order, a pass at a time). */
    private transient RowOrder.Permutation pass;
    /**
     * The last position asked for and its row (a trainer asks a position's key group, then reads
     * it); set in {@link #open}, as a transient field is not initialised when deserialised.
     */
    private transient long lastPosition;
    private transient long lastRow;

    FileRecords(FileInput input, int passes, boolean shuffle, long seed, long startTimeMillis, long eventIntervalMillis) {
        this.input = input;
        this.order = new RowOrder(input.rows(), passes, shuffle, seed);
        this.startTimeMillis = startTimeMillis;
        this.eventIntervalMillis = eventIntervalMillis;
    }

    @Override
    public long size() {
        return order.size();
    }

    @Override
    public void open(MetricGroup metrics) throws Exception {
        dataset = input.open();
        if (dataset.rows() != input.rows()) {
            throw new IllegalStateException("input changed since the job was prepared: " + input.files()
                    + " had " + input.rows() + " records, now " + dataset.rows());
        }
        unknownFields = new UnknownFieldsMetric(metrics);
        lastPosition = -1;
        if (input.sourceOfRow() != null) {
            sourceNames = new String[input.sources()];
            for (int s = 0; s < sourceNames.length; s++) {
                sourceNames[s] = input.sourceName(s);
            }
        }
    }

    @Override
    public int groupOf(long position, int groups) {
        return groups == 1 ? 0 : input.groupOfRow(rowAt(position), groups);
    }

    /**
     * Known for rows dealt to simulated sources ({@code input.partition}), and for rows that name
     * their source when the input was prepared for the trainers to read (a pass on the client).
     */
    @Override
    public boolean knowsSources() {
        return input.sourceOfRow() != null || input.keyGroupOfRow() != null;
    }

    @Override
    public int keyGroupOf(long position, int maxParallelism) {
        if (!knowsSources()) {
            return RecordSequence.super.keyGroupOf(position, maxParallelism);
        }
        if (input.sourceOfRow() == null) {
            return input.keyGroupOfRow(rowAt(position), maxParallelism);
        }
        if (sourceKeyGroups == null) {
            sourceKeyGroups = new SourceKeyGroups(input.sources(), input::sourceName);
        }
        return sourceKeyGroups.of(input.sourceOfRow()[(int) rowAt(position)], maxParallelism);
    }

    @Override
    public RawRecord read(long position) {
        long row = rowAt(position);
        FileDataset.Parsed parsed = dataset.read(row, input.scaler());
        unknownFields.update(dataset.unknownFields(), parsed.origin(), "line", parsed.line());
        if (!parsed.valid()) {
            return RawRecord.invalid(parsed.origin(), parsed.line(), parsed.text(), parsed.reason());
        }
        Example example = parsed.example();
        String source = sourceNames != null ? sourceNames[input.sourceOfRow()[(int) row]] : example.source();
        long time = example.timestamp() == JsonLineParser.NO_TIMESTAMP
                ? startTimeMillis + position * eventIntervalMillis
                : example.timestamp();
        // scaled as it was read; its arrays are this record's alone
        return RawRecord.of(parsed.origin(), parsed.line(), example.at(source, time));
    }

    private long rowAt(long position) {
        if (position == lastPosition) {
            return lastRow;
        }
        if (position < 0 || position >= order.size()) {
            throw new IndexOutOfBoundsException("position " + position + " out of bounds for " + order.size());
        }
        int p = (int) (position / order.n());
        if (pass == null || pass.pass() != p) {
            pass = order.permutation(p);
        }
        lastRow = pass.apply(position % order.n());
        lastPosition = position;
        return lastRow;
    }

    @Override
    public long timestamp(RawRecord record) {
        return record.example() != null ? record.example().timestamp() : NO_TIMESTAMP;
    }

    @Override
    public void close() throws Exception {
        if (dataset != null) {
            dataset.close();
        }
    }
}
