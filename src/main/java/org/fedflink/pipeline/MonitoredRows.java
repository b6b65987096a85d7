package org.fedflink.pipeline;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.fedflink.data.Example;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.LineReader;
import org.fedflink.data.Row;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;
import org.fedflink.io.FileInput;

/**
 * Reads the files of a monitored directory (Flink's {@code FileSource} finds new files; this
 * format reads each one whole): every line is parsed with the same rules as a bounded input, and
 * an invalid line is passed on with its reason, file and line number for the dead letter.
 *
 * <p>Files are not split (gzip cannot be, and a CSV header belongs to its file); a restored reader
 * re-opens its file and skips the lines it had already emitted, which Flink checkpoints as the
 * count of records after the start of the file.
 *
 * <p>Rows without a time get the wall-clock time they are read (ingestion time: an unbounded
 * stream has no arrival index). With an IID partition, a row's source is a seeded hash of its file
 * name and line, so a replayed row always goes to the same source.
 */
final class MonitoredRows implements BulkFormat<RawRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 256;

    private final FormatOptions options;
    private final int maxLineBytes;
    private final FeatureScaler scaler;
    private final int sources;
    private final long seed;

    /**
     * @param sources simulated sources rows are dealt to (IID), or 0 when the data has its own
     */
    MonitoredRows(FormatOptions options, int maxLineBytes, FeatureScaler scaler, int sources, long seed) {
        this.options = options;
        this.maxLineBytes = maxLineBytes;
        this.scaler = scaler;
        this.sources = sources;
        this.seed = seed;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new RowReader(split, 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long done = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new RowReader(split, done);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return RecordTypeInfo.rawRecords();
    }

    /** The finaliser of MurmurHash3 / SplitMix64: a bijective, well-mixed 64-bit hash. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private final class RowReader implements Reader<RawRecord> {
        private final String origin;
        private final LineReader lines;
        private final RowParser parser;
        /** Logged per file: a bulk format's reader has no metric group. */
        private final UnknownFieldsMetric unknownFields = new UnknownFieldsMetric(null);
        private long emitted;
        /** Source names, made once per reader rather than formatted per row. */
        private final String[] sourceNames = new String[sources];

        RowReader(FileSourceSplit split, long alreadyEmitted) throws IOException {
            origin = split.path().getName();
            InputStream in = new BufferedInputStream(split.path().getFileSystem().open(split.path()), 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            lines = new LineReader(in, maxLineBytes);
            byte[] header = null;
            if (options.format() == InputFormat.CSV && options.csvHeader()) {
                Row first = lines.next();
                header = first == null || first.oversized() ? null : first.bytes();
            }
            parser = header == null && options.format() == InputFormat.CSV && options.csvHeader()
                    ? null // an empty file, or one whose header is unusable: every line is invalid
                    : RowParsers.create(options, header);
            lines.skip(alreadyEmitted);
            emitted = alreadyEmitted;
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] batch = new RawRecord[BATCH];
            int n = 0;
            Row row;
            while (n < BATCH && (row = lines.next()) != null) {
                batch[n++] = toRecord(row);
            }
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<RawRecord> iterator = new ArrayResultIterator<>();
            iterator.set(batch, n, CheckpointedPosition.NO_OFFSET, emitted);
            emitted += n;
            return iterator;
        }

        private RawRecord toRecord(Row row) {
            long line = row.lineNumber();
            if (row.oversized()) {
                return RawRecord.invalid(origin, line, "", "line of " + row.length()
                        + " bytes is longer than the limit of " + maxLineBytes + " bytes (input.maxLineBytes)");
            }
            byte[] bytes = row.bytes();
            if (parser == null) {
                return RawRecord.invalid(origin, line, new String(bytes, StandardCharsets.UTF_8),
                        "the file has no usable CSV header");
            }
            Example e;
            try {
                e = parser.parse(bytes, 0, bytes.length);
            } catch (InvalidRecordException ex) {
                return RawRecord.invalid(origin, line, new String(bytes, StandardCharsets.UTF_8), ex.getMessage());
            } finally {
                unknownFields.update(parser.unknownFields(), origin, "line", line);
            }
            String source = e.source();
            if (sources > 0) {
                long h = mix64(seed ^ mix64(origin.hashCode() * 0x9E3779B97F4A7C15L + line));
                int s = (int) Math.floorMod(h, (long) sources);
                if (sourceNames[s] == null) {
                    sourceNames[s] = FileInput.sourceName(s, sources);
                }
                source = sourceNames[s];
            }
            long time = e.timestamp() == JsonLineParser.NO_TIMESTAMP ? System.currentTimeMillis() : e.timestamp();
            return RawRecord.of(origin, line, scaler.applyToOwned(new Example(source, time, e.label(), e.indices(), e.values())));
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
