package org.fedflink.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Random access to the records of a bounded input: the rows of one or more text files of one
 * format (each plain or gzip), or an IDX images/labels pair. Row {@code i} of the dataset is row
 * {@code i} of the concatenation of its files in order, not counting CSV header lines.
 *
 * <p>Each {@link #read} parses the row with the format's {@link RowParser}; an invalid row is
 * returned with its reason and raw text rather than thrown, because it goes to the dead letter and
 * the job carries on. Not thread-safe: one per reader.
 */
public final class FileDataset implements Closeable {

    /**
     * One record read from the dataset.
     *
     * @param origin the file name the row came from
     * @param line its 1-based line number in that file (the record number for IDX)
     * @param example the parsed example (source null and timestamp {@link JsonLineParser#NO_TIMESTAMP}
     *     when the data has none), or null when the row is invalid
     * @param reason why the row is invalid, or null
     * @param text the raw row (decoded leniently, for the dead letter) when invalid, else null
     */
    public record Parsed(String origin, long line, Example example, String reason, String text) {
        public boolean valid() {
            return example != null;
        }
    }

    private final List<RowFile> files;
    private final List<RowParser> parsers;
    private final long[] firstRow; // dataset row index of each file's first record
    private final int[] headerLines; // lines before the first record in each file (CSV header)
    private final IdxDataset idx;
    private final String idxName;
    private final long rows;
    private final UnknownFieldTally unknownFields;
    /** The byte scale of the scaler last given to {@link #read(long, FeatureScaler)}, kept for the next call. */
    private ByteValues.Scale byteScale;
    private FeatureScaler byteScaleOf;

    private FileDataset(
            List<RowFile> files, List<RowParser> parsers, long[] firstRow, int[] headerLines, IdxDataset idx,
            String idxName, long rows, UnknownFieldTally unknownFields) {
        this.files = files;
        this.parsers = parsers;
        this.firstRow = firstRow;
        this.headerLines = headerLines;
        this.idx = idx;
        this.idxName = idxName;
        this.rows = rows;
        this.unknownFields = unknownFields;
    }

    /**
     * Opens the text files of a dataset (JSONL, CSV or LibSVM).
     *
     * @param tmpDir where gzip files are decompressed for random access
     * @throws FormatException if a CSV header is unusable
     */
    public static FileDataset openText(List<Path> paths, FormatOptions options, int maxLineBytes, Path tmpDir)
            throws IOException {
        List<RowFile> files = new ArrayList<>();
        List<RowParser> parsers = new ArrayList<>();
        UnknownFieldTally unknownFields = new UnknownFieldTally();
        long[] firstRow = new long[paths.size()];
        int[] headerLines = new int[paths.size()];
        long rows = 0;
        boolean header = options.format() == InputFormat.CSV && options.csvHeader();
        try {
            for (int f = 0; f < paths.size(); f++) {
                RowFile file = RowFile.open(paths.get(f), maxLineBytes, tmpDir);
                files.add(file);
                byte[] headerRow = null;
                if (header) {
                    if (file.rows() == 0) {
                        throw new FormatException(paths.get(f).getFileName() + " is empty: a CSV file needs a header"
                                + " (input.csv.header is true)");
                    }
                    Row first = file.read(0);
                    if (first.oversized()) {
                        throw new FormatException(paths.get(f).getFileName() + ": the CSV header is longer than "
                                + maxLineBytes + " bytes (input.maxLineBytes)");
                    }
                    headerRow = first.bytes();
                    headerLines[f] = 1;
                }
                try {
                    parsers.add(RowParsers.create(options, headerRow, unknownFields));
                } catch (FormatException e) {
                    throw new FormatException(paths.get(f).getFileName() + ": " + e.getMessage(), e);
                }
                firstRow[f] = rows;
                rows += file.rows() - headerLines[f];
            }
        } catch (IOException | RuntimeException e) {
            closeAll(files);
            throw e;
        }
        return new FileDataset(files, parsers, firstRow, headerLines, null, null, rows, unknownFields);
    }

    /** Opens an IDX images/labels pair. */
    public static FileDataset openIdx(Path images, Path labels) throws IOException {
        IdxDataset idx = IdxDataset.read(images, labels);
        return new FileDataset(List.of(), List.of(), new long[0], new int[0], idx,
                images.getFileName().toString(), idx.size(), new UnknownFieldTally());
    }

    /**
     * The rows read so far that had JSON keys the options do not name (skipped, under
     * {@link FormatOptions.UnknownFields#IGNORE}), and those names: one tally for all the files.
     */
    public UnknownFieldTally unknownFields() {
        return unknownFields;
    }

    /** Number of records (rows of all files, without headers). */
    public long rows() {
        return rows;
    }

    /** Reads and parses record {@code row} (0-based). */
    public Parsed read(long row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        if (idx != null) {
            int i = (int) row;
            return new Parsed(idxName, row + 1, idx.example(i, null, JsonLineParser.NO_TIMESTAMP), null, null);
        }
        int f = fileOf(row);
        RowFile file = files.get(f);
        long fileRow = row - firstRow[f] + headerLines[f];
        Row raw = file.read(fileRow);
        String origin = file.file().getFileName().toString();
        if (raw.oversized()) {
            return new Parsed(origin, raw.lineNumber(), null,
                    "line of " + raw.length() + " bytes is longer than the limit of " + file.maxLineBytes()
                            + " bytes (input.maxLineBytes)", "");
        }
        byte[] bytes = raw.bytes();
        try {
            Example example = parsers.get(f).parse(bytes, 0, bytes.length);
            return new Parsed(origin, raw.lineNumber(), example, null, null);
        } catch (InvalidRecordException e) {
            return new Parsed(origin, raw.lineNumber(), null, e.getMessage(),
                    new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /**
     * {@link #read} with the example's values scaled by {@code scaler}: an IDX image as its bytes
     * with the scale they stand for when the scaler maps every value alike ({@link
     * FeatureScaler#byteScale}), any other row parsed and then scaled in place (its arrays are its own).
     */
    public Parsed read(long row, FeatureScaler scaler) {
        if (idx != null && row >= 0 && row < rows) {
            if (scaler != byteScaleOf) {
                byteScale = scaler.byteScale();
                byteScaleOf = scaler;
            }
            if (byteScale != null) {
                return new Parsed(idxName, row + 1, idx.example((int) row, null, JsonLineParser.NO_TIMESTAMP,
                        byteScale), null, null);
            }
        }
        Parsed parsed = read(row);
        return parsed.valid()
                ? new Parsed(parsed.origin(), parsed.line(), scaler.applyToOwned(parsed.example()), null, null)
                : parsed;
    }

    /** The label of record {@code row} as a class index, or -1 when the row is invalid or not a class. */
    public int classOf(long row) {
        if (idx != null) {
            return idx.label((int) row);
        }
        Parsed parsed = read(row);
        if (!parsed.valid()) {
            return -1;
        }
        double label = parsed.example().label();
        int c = (int) label;
        return c == label && c >= 0 ? c : -1;
    }

    private int fileOf(long row) {
        int f = Arrays.binarySearch(firstRow, row);
        if (f < 0) {
            f = -f - 2;
        }
        // skip empty files sharing the same first row
        while (f + 1 < firstRow.length && firstRow[f + 1] == row) {
            f++;
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        closeAll(files);
    }

    private static void closeAll(List<RowFile> files) throws IOException {
        IOException failure = null;
        for (RowFile file : files) {
            try {
                file.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
