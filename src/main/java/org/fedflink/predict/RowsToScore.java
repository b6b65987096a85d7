package org.fedflink.predict;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import org.fedflink.data.Example;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.FormatProbe;
import org.fedflink.data.IdxDataset;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InputPaths;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.LineReader;
import org.fedflink.data.Row;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;

/**
 * Reads the records of a file to score, in file order, and hands each to a {@link ScoringPass}:
 * a parsed row or image, or the reason a row is invalid (an over-long line, a parse error). Text
 * files are streamed (gzip too) and probed first, so that a file in another format fails before a
 * line is written; IDX images are read with their labels file when one is given.
 */
final class RowsToScore {

    private final Path input;
    /** The IDX labels file, or null. */
    private final Path labels;
    private final FormatOptions options;
    private final int maxLineBytes;

    RowsToScore(Path input, Path labels, FormatOptions options, int maxLineBytes) {
        this.input = input;
        this.labels = labels;
        this.options = options;
        this.maxLineBytes = maxLineBytes;
    }

    /** @throws FormatException when the input or the labels file is missing or unreadable */
    void requireFiles() {
        InputPaths.requireFile("input", input);
        if (labels != null) {
            InputPaths.requireFile("labels", labels);
        }
    }

    /**
     * Reads the whole file into {@code pass}.
     *
     * @param features the model's dimension, which IDX images must have
     * @throws FormatException when the file is not in its format at all, a CSV header does not fit,
     *     IDX images have another dimension, or a gzip file is corrupt
     */
    void readInto(ScoringPass pass, int features) throws IOException {
        try {
            if (options.format() == InputFormat.IDX) {
                readImages(pass, features);
            } else {
                probe();
                readRows(pass);
            }
        } catch (ZipException e) {
            throw new FormatException(input.getFileName() + " is not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new FormatException(input.getFileName() + " is a truncated gzip file", e);
        }
    }

    /** The first rows, so that a file of another format fails before anything is written. */
    private void probe() throws IOException {
        byte[] header = null;
        List<byte[]> rows = new ArrayList<>();
        try (LineReader reader = new LineReader(LineReader.open(input), maxLineBytes)) {
            if (wantsHeader()) {
                header = header(reader);
            }
            Row row;
            while (rows.size() < FormatProbe.MAX_ROWS && (row = reader.next()) != null) {
                if (!row.oversized()) {
                    rows.add(row.bytes());
                }
            }
        }
        FormatProbe.check(input.getFileName().toString(), options, header, rows);
    }

    private boolean wantsHeader() {
        return options.format() == InputFormat.CSV && options.csvHeader();
    }

    private byte[] header(LineReader reader) throws IOException {
        Row header = reader.next();
        if (header == null) {
            throw new FormatException(input.getFileName() + " is empty: a CSV file needs a header"
                    + " (input.csv.header is true)");
        }
        if (header.oversized()) {
            throw new FormatException(input.getFileName() + ": the CSV header is longer than " + maxLineBytes
                    + " bytes (input.maxLineBytes)");
        }
        return header.bytes();
    }

    private void readRows(ScoringPass pass) throws IOException {
        try (LineReader reader = new LineReader(LineReader.open(input), maxLineBytes)) {
            RowParser parser = RowParsers.create(options, wantsHeader() ? header(reader) : null);
            Row row;
            while ((row = reader.next()) != null) {
                if (row.oversized()) {
                    pass.invalid(row.lineNumber(), "line of " + row.length() + " bytes is longer than the limit of "
                            + maxLineBytes + " bytes (input.maxLineBytes)");
                    continue;
                }
                Example example;
                try {
                    example = parser.parse(row.bytes());
                } catch (InvalidRecordException e) {
                    pass.invalid(row.lineNumber(), e.getMessage());
                    continue;
                }
                pass.score(row.lineNumber(), example);
            }
        }
    }

    private void readImages(ScoringPass pass, int features) throws IOException {
        IdxDataset images = labels == null ? IdxDataset.readImages(input) : IdxDataset.read(input, labels);
        if (images.features() != features) {
            throw new FormatException(input.getFileName() + " has images of " + images.rows() + " x " + images.cols()
                    + " = " + images.features() + " pixels, the model has " + features + " features");
        }
        for (int i = 0; i < images.size(); i++) {
            pass.score(i + 1L, images.example(i, null, JsonLineParser.NO_TIMESTAMP));
        }
    }
}
