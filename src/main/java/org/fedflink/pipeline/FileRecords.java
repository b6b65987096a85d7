package org.fedflink.pipeline;

import org.apache.flink.api.connector.source.SourceReaderContext;
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
    public void open(SourceReaderContext readerContext) throws Exception {
        dataset = input.open();
        if (dataset.rows() != input.rows()) {
            throw new IllegalStateException("input changed since the job was prepared: " + input.files()
                    + " had " + input.rows() + " records, now " + dataset.rows());
        }
        unknownFields = new UnknownFieldsMetric(readerContext.metricGroup());
        if (input.sourceOfRow() != null) {
            sourceNames = new String[input.sources()];
            for (int s = 0; s < sourceNames.length; s++) {
                sourceNames[s] = input.sourceName(s);
            }
        }
    }

    @Override
    public int groupOf(long position, int groups) {
        return groups == 1 ? 0 : input.groupOfRow(order.rowAt(position), groups);
    }

    @Override
    public RawRecord read(long position) {
        long row = order.rowAt(position);
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
