package org.fedflink.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Rows per (source, class) of a partition, for reports: how many rows each simulated client got
 * and how its labels are mixed. Every source appears, including empty ones ({@code rows = 0}).
 * Immutable.
 */
public final class PartitionHistogram {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int sources;
    private final int classes;
    /** sources x classes, row-major. */
    private final int[] counts;
    private final int[] rowsOfSource;

    private PartitionHistogram(int sources, int classes, int[] counts) {
        this.sources = sources;
        this.classes = classes;
        this.counts = counts;
        this.rowsOfSource = new int[sources];
        for (int s = 0; s < sources; s++) {
            int sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += counts[s * classes + c];
            }
            rowsOfSource[s] = sum;
        }
    }

    /**
     * Counts the rows of each (source, class).
     *
     * @throws IllegalArgumentException if the arrays are null or differ in length,
     *     {@code sources < 1}, {@code classes < 1}, or an entry is out of range
     */
    public static PartitionHistogram of(int[] sourceOfRow, int[] labels, int sources, int classes) {
        if (sourceOfRow == null || labels == null) {
            throw new IllegalArgumentException("sourceOfRow and labels must not be null");
        }
        if (sourceOfRow.length != labels.length) {
            throw new IllegalArgumentException("sourceOfRow has " + sourceOfRow.length + " rows but labels has "
                    + labels.length);
        }
        if (sources < 1) {
            throw new IllegalArgumentException("sources must be >= 1, got " + sources);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if ((long) sources * classes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "sources x classes is too large for a histogram: " + sources + " x " + classes);
        }
        int[] counts = new int[sources * classes];
        for (int i = 0; i < labels.length; i++) {
            int s = sourceOfRow[i];
            int y = labels[i];
            if (s < 0 || s >= sources) {
                throw new IllegalArgumentException(
                        "source of row " + i + " is " + s + ", outside [0, " + sources + ")");
            }
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException(
                        "label of row " + i + " is " + y + ", outside [0, " + classes + ")");
            }
            counts[s * classes + y]++;
        }
        return new PartitionHistogram(sources, classes, counts);
    }

    public int sources() {
        return sources;
    }

    public int classes() {
        return classes;
    }

    /** Rows of class {@code c} at source {@code s}. */
    public int count(int s, int c) {
        checkSource(s);
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("class " + c + " is outside [0, " + classes + ")");
        }
        return counts[s * classes + c];
    }

    /** Rows of source {@code s}. */
    public int rows(int s) {
        checkSource(s);
        return rowsOfSource[s];
    }

    /** All rows. */
    public long rows() {
        long total = 0;
        for (int r : rowsOfSource) {
            total += r;
        }
        return total;
    }

    /** A copy of the counts, {@code [source][class]}. */
    public int[][] counts() {
        int[][] out = new int[sources][];
        for (int s = 0; s < sources; s++) {
            out[s] = Arrays.copyOfRange(counts, s * classes, (s + 1) * classes);
        }
        return out;
    }

    /** Number of sources that got no rows. */
    public int emptySources() {
        int empty = 0;
        for (int r : rowsOfSource) {
            if (r == 0) {
                empty++;
            }
        }
        return empty;
    }

    /** Number of distinct classes at source {@code s}. */
    public int distinctClasses(int s) {
        checkSource(s);
        int distinct = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[s * classes + c] > 0) {
                distinct++;
            }
        }
        return distinct;
    }

    /**
     * Shannon entropy (nats) of the label mix of source {@code s}: 0 for a single-class source,
     * {@code ln(classes)} for a uniform one; NaN for an empty source.
     */
    public double labelEntropy(int s) {
        checkSource(s);
        int total = rowsOfSource[s];
        if (total == 0) {
            return Double.NaN;
        }
        double h = 0;
        for (int c = 0; c < classes; c++) {
            int k = counts[s * classes + c];
            if (k > 0) {
                double p = (double) k / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /**
     * Mean {@link #labelEntropy(int)} over the non-empty sources (unweighted: a measure of label skew
     * per client, lower = more skewed); NaN when every source is empty.
     */
    public double meanLabelEntropy() {
        double sum = 0;
        int counted = 0;
        for (int s = 0; s < sources; s++) {
            if (rowsOfSource[s] > 0) {
                sum += labelEntropy(s);
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Writes the histogram as CSV (UTF-8, {@code \n} line ends): a header
     * {@code source,rows,class0,class1,...} and one line per source, empty ones included, the source
     * column holding {@code sourceName.apply(s)} (quoted per RFC 4180 if it contains a comma, quote
     * or line break).
     */
    public void writeCsv(Path path, IntFunction<String> sourceName) throws IOException {
        try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder("source,rows");
            for (int c = 0; c < classes; c++) {
                line.append(",class").append(c);
            }
            out.write(line.append('\n').toString());
            for (int s = 0; s < sources; s++) {
                line.setLength(0);
                appendCsvField(line, sourceName.apply(s));
                line.append(',').append(rowsOfSource[s]);
                for (int c = 0; c < classes; c++) {
                    line.append(',').append(counts[s * classes + c]);
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    /**
     * The histogram as a JSON object: {@code {"sources":S,"classes":C,"rows":n,"emptySources":k,
     * "perSource":[{"source":"s000","rows":r,"classCounts":[...]},...]}}.
     */
    public String toJson(IntFunction<String> sourceName) {
        ObjectNode root = JSON.createObjectNode();
        root.put("sources", sources);
        root.put("classes", classes);
        root.put("rows", rows());
        root.put("emptySources", emptySources());
        ArrayNode perSource = root.putArray("perSource");
        for (int s = 0; s < sources; s++) {
            ObjectNode node = perSource.addObject();
            node.put("source", sourceName.apply(s));
            node.put("rows", rowsOfSource[s]);
            ArrayNode classCounts = node.putArray("classCounts");
            for (int c = 0; c < classes; c++) {
                classCounts.add(counts[s * classes + c]);
            }
        }
        return root.toString();
    }

    private void checkSource(int s) {
        if (s < 0 || s >= sources) {
            throw new IllegalArgumentException("source " + s + " is outside [0, " + sources + ")");
        }
    }

    private static void appendCsvField(StringBuilder sb, String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            sb.append(value);
        } else {
            sb.append('"').append(value.replace("\"", "\"\"")).append('"');
        }
    }
}
