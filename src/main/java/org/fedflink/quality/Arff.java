package org.fedflink.quality;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Converts a dense ARFF file (what MOA's {@code WriteStreamToARFFFile} writes) into the JSON lines
 * the job reads: {@code {"label":k,"features":[...]}}, one per data row, in order.
 *
 * <ul>
 *   <li>The class is the last attribute. A nominal class is written as the index of its value in
 *       the declaration ({@code {groupA,groupB}}: groupA is 0); a numeric one as its value.
 *   <li>Numeric features ({@code numeric}, {@code real}, {@code integer}) are written as they are
 *       (as floats, which is what the model reads). A nominal feature with k values is written
 *       <em>one-hot</em>, as k features of which the value's one is 1: the encoding a linear model
 *       needs (an index would impose an order the values do not have). {@link Header#features()}
 *       is the resulting dimension.
 *   <li>Not supported, each failing with the line: string, date and relational attributes, sparse
 *       rows ({@code {0 1.5, 3 2}}), missing values ({@code ?}) and weights ({@code {2}} after a row).
 * </ul>
 * MOA ends each row with a comma; a trailing comma is ignored. Quotes ({@code '...'} or
 * {@code "..."}) around names and values are removed; {@code %} starts a comment line.
 */
final class Arff {

    /**
     * One attribute.
     *
     * @param values the declared values of a nominal attribute, or null for a numeric one
     */
    record Attribute(String name, List<String> values) {
        boolean nominal() {
            return values != null;
        }

        /** Features it becomes: 1 numeric, or one per nominal value. */
        int width() {
            return nominal() ? values.size() : 1;
        }
    }

    /**
     * The header of an ARFF file.
     *
     * @param attributes in order; the last is the class
     */
    record Header(String relation, List<Attribute> attributes) {
        Attribute classAttribute() {
            return attributes.get(attributes.size() - 1);
        }

        /** The feature dimension of the converted rows (nominal features one-hot). */
        int features() {
            int features = 0;
            for (int i = 0; i < attributes.size() - 1; i++) {
                features += attributes.get(i).width();
            }
            return features;
        }
    }

    /**
     * What a conversion wrote.
     *
     * @param rows the data rows written
     * @param classCounts rows per class value (nominal class), or an empty array (numeric class)
     */
    record Conversion(Header header, long rows, long[] classCounts) {}

    private Arff() {}

    /**
     * Converts data rows {@code [skip, skip + limit)} of {@code arff} into {@code jsonl}.
     *
     * @param limit the most rows to write, or {@link Long#MAX_VALUE} for all
     * @throws IOException if the file cannot be read, or is not a dense ARFF file of the supported
     *     kinds ({@code file line N: why})
     */
    static Conversion toJsonLines(Path arff, Path jsonl, long skip, long limit) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(arff, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            return convert(in, out, arff.getFileName().toString(), skip, limit);
        }
    }

    /**
     * Copies the header and data rows {@code [skip, skip + limit)} of {@code arff} into {@code out}
     * as they are (for MOA to read a part of a stream it wrote).
     *
     * @return the data rows copied
     */
    static long slice(Path arff, Path out, long skip, long limit) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(arff, StandardCharsets.UTF_8);
                BufferedWriter slice = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            boolean data = false;
            long rows = 0;
            long copied = 0;
            String line;
            while (copied < limit && (line = in.readLine()) != null) {
                String text = line.strip();
                boolean isRow = data && !text.isEmpty() && !text.startsWith("%");
                if (!isRow || rows++ >= skip) {
                    slice.write(line);
                    slice.write('\n');
                    copied += isRow ? 1 : 0;
                }
                data |= text.toLowerCase(Locale.ROOT).startsWith("@data");
            }
            return copied;
        }
    }

    static Conversion convert(BufferedReader in, Writer out, String name, long skip, long limit) throws IOException {
        List<Attribute> attributes = new ArrayList<>();
        String relation = null;
        int lineNumber = 0;
        String line;
        boolean data = false;
        while (!data && (line = in.readLine()) != null) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("%")) {
                continue;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("@relation")) {
                relation = unquote(text.substring("@relation".length()).strip());
            } else if (lower.startsWith("@attribute")) {
                attributes.add(attribute(text.substring("@attribute".length()).strip(), name, lineNumber));
            } else if (lower.startsWith("@data")) {
                data = true;
            } else {
                throw new IOException(name + " line " + lineNumber + ": expected @relation, @attribute or @data, got '"
                        + abbreviate(text) + "'");
            }
        }
        if (!data) {
            throw new IOException(name + ": no @data section");
        }
        if (attributes.isEmpty()) {
            throw new IOException(name + ": no @attribute: the class attribute is required");
        }
        Header header = new Header(relation, List.copyOf(attributes));
        Attribute target = header.classAttribute();
        long[] classCounts = new long[target.nominal() ? target.values().size() : 0];
        long row = 0;
        long written = 0;
        StringBuilder json = new StringBuilder(256);
        while (written < limit && (line = in.readLine()) != null) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("%")) {
                continue;
            }
            if (row++ < skip) {
                continue;
            }
            json.setLength(0);
            int label = row(text, header, json, name, lineNumber);
            if (label >= 0) {
                classCounts[label]++;
            }
            out.write(json.append('\n').toString());
            written++;
        }
        return new Conversion(header, written, classCounts);
    }

    /** Appends the JSON line of one data row; returns the class index (nominal class) or -1. */
    private static int row(String text, Header header, StringBuilder json, String name, int line) throws IOException {
        if (text.startsWith("{")) {
            throw new IOException(name + " line " + line + ": sparse ARFF rows are not supported");
        }
        List<String> tokens = split(text);
        List<Attribute> attributes = header.attributes();
        if (tokens.size() != attributes.size()) {
            throw new IOException(name + " line " + line + ": expected " + attributes.size() + " values, got "
                    + tokens.size());
        }
        json.append("{\"label\":");
        int label = -1;
        Attribute target = header.classAttribute();
        String classToken = tokens.get(tokens.size() - 1);
        if (target.nominal()) {
            label = valueIndex(target, classToken, name, line);
            json.append(label);
        } else {
            json.append(Float.toString((float) number(target, classToken, name, line)));
        }
        json.append(",\"features\":[");
        boolean first = true;
        for (int a = 0; a < attributes.size() - 1; a++) {
            Attribute attribute = attributes.get(a);
            String token = tokens.get(a);
            if (attribute.nominal()) {
                int k = valueIndex(attribute, token, name, line);
                for (int v = 0; v < attribute.values().size(); v++) {
                    json.append(first ? "" : ",").append(v == k ? "1" : "0");
                    first = false;
                }
            } else {
                json.append(first ? "" : ",").append(Float.toString((float) number(attribute, token, name, line)));
                first = false;
            }
        }
        json.append("]}");
        return label;
    }

    private static double number(Attribute attribute, String token, String name, int line) throws IOException {
        checkPresent(attribute, token, name, line);
        try {
            double value = Double.parseDouble(token);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(name + " line " + line + ": attribute " + attribute.name() + " is not a finite number: '"
                + abbreviate(token) + "'");
    }

    private static int valueIndex(Attribute attribute, String token, String name, int line) throws IOException {
        checkPresent(attribute, token, name, line);
        int k = attribute.values().indexOf(unquote(token));
        if (k < 0) {
            throw new IOException(name + " line " + line + ": attribute " + attribute.name() + " has no value '"
                    + abbreviate(token) + "' (declared: " + attribute.values() + ")");
        }
        return k;
    }

    private static void checkPresent(Attribute attribute, String token, String name, int line) throws IOException {
        if (token.equals("?")) {
            throw new IOException(name + " line " + line + ": attribute " + attribute.name()
                    + " is missing ('?'): missing values are not supported");
        }
    }

    private static Attribute attribute(String text, String name, int line) throws IOException {
        String attributeName;
        String rest;
        if (text.startsWith("'") || text.startsWith("\"")) {
            int end = text.indexOf(text.charAt(0), 1);
            if (end < 0) {
                throw new IOException(name + " line " + line + ": unterminated quote in @attribute");
            }
            attributeName = text.substring(1, end);
            rest = text.substring(end + 1).strip();
        } else {
            String[] parts = text.split("\\s+", 2);
            attributeName = parts[0];
            rest = parts.length > 1 ? parts[1].strip() : "";
        }
        if (rest.startsWith("{")) {
            int end = rest.lastIndexOf('}');
            if (end < 0) {
                throw new IOException(name + " line " + line + ": unterminated {...} in @attribute " + attributeName);
            }
            List<String> values = new ArrayList<>();
            for (String value : split(rest.substring(1, end))) {
                values.add(unquote(value));
            }
            return new Attribute(attributeName, List.copyOf(values));
        }
        String type = rest.toLowerCase(Locale.ROOT);
        if (type.equals("numeric") || type.equals("real") || type.equals("integer")) {
            return new Attribute(attributeName, null);
        }
        throw new IOException(name + " line " + line + ": attribute " + attributeName + " has type '" + rest
                + "': only numeric, real, integer and nominal {...} attributes are supported");
    }

    /** Splits on commas outside quotes, trimming each token; a trailing comma (MOA) adds no token. */
    private static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                token.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                token.append(c);
            } else if (c == ',') {
                tokens.add(token.toString().strip());
                token.setLength(0);
            } else {
                token.append(c);
            }
        }
        String last = token.toString().strip();
        if (!last.isEmpty()) {
            tokens.add(last);
        }
        return tokens;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
