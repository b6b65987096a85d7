package org.fedflink.pipeline;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.fedflink.data.Example;
import org.fedflink.data.FileDataset;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.RowOrder;

/**
 * Replays a prepared {@link FileInput} as a numbered sequence, for a {@code DataGeneratorSource}:
 * record {@code i} of the sequence is row {@code order.rowAt(i)} of the dataset, so passes and the
 * per-pass shuffle need no buffering, and Flink's checkpointed position in the sequence makes the
 * replay exactly-once across restarts.
 *
 * <p>Each record gets its simulated source (partitioned inputs) and, when the data has no time, the
 * event time {@code startTime + i * interval} (arrival order), and is scaled. Invalid rows are
 * passed on with their reason, for the dead letter.
 */
final class FileRecords implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final FileInput input;
    private final int passes;
    private final boolean shuffle;
    private final long seed;
    private final long startTimeMillis;
    private final long eventIntervalMillis;

    private transient FileDataset dataset;
    private transient RowOrder order;
    private transient String[] sourceNames;
    private transient UnknownFieldsMetric unknownFields;

    FileRecords(FileInput input, int passes, boolean shuffle, long seed, long startTimeMillis, long eventIntervalMillis) {
        this.input = input;
        this.passes = passes;
        this.shuffle = shuffle;
        this.seed = seed;
        this.startTimeMillis = startTimeMillis;
        this.eventIntervalMillis = eventIntervalMillis;
    }

    /** Number of records in the replayed sequence. */
    long count() {
        return input.rows() * passes;
    }

    @Override
    public void open(SourceReaderContext readerContext) throws Exception {
        dataset = input.open();
        if (dataset.rows() != input.rows()) {
            throw new IllegalStateException("input changed since the job was prepared: " + input.files()
                    + " had " + input.rows() + " records, now " + dataset.rows());
        }
        order = new RowOrder(input.rows(), passes, shuffle, seed);
        unknownFields = new UnknownFieldsMetric(readerContext.metricGroup());
        if (input.sourceOfRow() != null) {
            sourceNames = new String[input.sources()];
            for (int s = 0; s < sourceNames.length; s++) {
                sourceNames[s] = input.sourceName(s);
            }
        }
    }

    @Override
    public RawRecord map(Long index) {
        long i = index;
        long row = order.rowAt(i);
        FileDataset.Parsed parsed = dataset.read(row);
        unknownFields.update(dataset.unknownFields(), parsed.origin(), "line", parsed.line());
        if (!parsed.valid()) {
            return RawRecord.invalid(parsed.origin(), parsed.line(), parsed.text(), parsed.reason());
        }
        Example example = parsed.example();
        String source = sourceNames != null ? sourceNames[input.sourceOfRow()[(int) row]] : example.source();
        long time = example.timestamp() == JsonLineParser.NO_TIMESTAMP
                ? startTimeMillis + i * eventIntervalMillis
                : example.timestamp();
        Example placed = new Example(source, time, example.label(), example.indices(), example.values());
        // the parsed example's arrays are this record's alone
        return RawRecord.of(parsed.origin(), parsed.line(), input.scaler().applyToOwned(placed));
    }

    @Override
    public void close() throws Exception {
        if (dataset != null) {
            dataset.close();
        }
    }
}
