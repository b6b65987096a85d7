package org.fedflink.report;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A CSV file with a header line, read whole, whose columns are looked up by header name. The run
 * files ({@code metrics.csv}, {@code sources.csv}, ...) gain columns over time, so the report never
 * relies on a column's position, and treats an absent column as "not recorded" rather than an error.
 *
 * <p>Parsing is Jackson's CSV parser (RFC 4180 quoting), because source names are user data and may
 * hold commas or quotes. Header names are trimmed; a row shorter than the header (the last line of a
 * run killed mid-write) reads as empty cells; blank lines are skipped.
 *
 * @param header the column names, in file order
 * @param rows the data rows, each as long as {@code header}
 */
public record CsvTable(List<String> header, List<List<String>> rows) {

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    public CsvTable {
        header = List.copyOf(header);
        List<List<String>> padded = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            List<String> r = new ArrayList<>(header.size());
            for (int i = 0; i < header.size(); i++) {
                String cell = i < row.size() ? row.get(i) : null;
                r.add(cell == null ? "" : cell);
            }
            padded.add(Collections.unmodifiableList(r));
        }
        rows = Collections.unmodifiableList(padded);
    }

    /** Reads {@code file}; an empty file is a table without columns. */
    public static CsvTable read(Path file) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(reader)) {
            while (it.hasNextValue()) {
                lines.add(Arrays.asList(it.nextValue()));
            }
        }
        if (lines.isEmpty()) {
            return new CsvTable(List.of(), List.of());
        }
        List<String> header = lines.get(0).stream().map(h -> h.strip().replace("\uFEFF", "")).toList();
        return new CsvTable(header, lines.subList(1, lines.size()));
    }

    /** Reads {@code file} when it exists (as a regular file). */
    public static Optional<CsvTable> readIfExists(Path file) throws IOException {
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /** The number of data rows. */
    public int size() {
        return rows.size();
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    /** The cells of {@code column} as text, or empty when the header has no such column. */
    public Optional<List<String>> strings(String column) {
        int index = header.indexOf(column);
        if (index < 0) {
            return Optional.empty();
        }
        return Optional.of(rows.stream().map(r -> r.get(index)).toList());
    }

    /**
     * The cells of {@code column} as numbers, or empty when the header has no such column. A blank
     * cell (e.g. holdout metrics of a version that was not scored), an unparsable one and a
     * non-finite one ({@code NaN}, {@code Infinity}) read as {@code null}: "no value" for a chart.
     */
    public Optional<List<Double>> numbers(String column) {
        return strings(column).map(cells -> {
            List<Double> values = new ArrayList<>(cells.size());
            for (String cell : cells) {
                values.add(parse(cell));
            }
            return Collections.unmodifiableList(values);
        });
    }

    /** The number of non-blank cells of {@code column} that are not finite numbers (0 if absent). */
    public int unparsable(String column) {
        return strings(column)
                .map(cells -> (int) cells.stream().filter(c -> !c.isBlank() && parse(c) == null).count())
                .orElse(0);
    }

    private static Double parse(String cell) {
        String s = cell.strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
