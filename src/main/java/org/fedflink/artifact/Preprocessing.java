package org.fedflink.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.Standardizer;
import org.fedflink.data.TextHashing;

/**
 * What a run did to its input before a model saw it, recorded in the run folder as
 * {@value #FILE_NAME} so that its models can score new data without the training input: how rows
 * were parsed ({@link FormatOptions}: format, field names, CSV layout, label map, text hashing),
 * the fitted feature scaling (its divisor, or every feature's mean and standard deviation), the
 * longest accepted line, and the whole resolved job spec for the record.
 *
 * <p>The file, format {@value #FORMAT} (documented in docs/running-jobs.md, the run folder):
 *
 * <pre>
 * {
 *   "format": "fedflink-preprocessing/1",
 *   "job": "fashion-mnist-softmax",
 *   "input": {"type": "idx", "path": "...", "labelsPath": "...", "maxLineBytes": 1048576},
 *   "formatOptions": {"format": "idx", "features": 784, "sourceField": null, "timeField": null,
 *       "labelField": "label", "featuresField": "features", "indicesField": "indices",
 *       "valuesField": "values", "textField": "text", "csvHeader": true, "csvDelimiter": ",",
 *       "libsvmIndexBase": 1, "csvIgnoredColumns": [], "labelMap": null, "hashing": null,
 *       "unknownFields": "ignore"},
 *   "scaling": {"type": "divide", "divisor": 255.0},
 *   "jobSpec": { ...every key of the job spec, as docs/job-spec.md names them... }
 * }
 * </pre>
 *
 * {@code scaling} is {@code {"type": "none"}}, {@code {"type": "divide", "divisor": d}} or
 * {@code {"type": "standardize", "features": n, "mean": [...], "std": [...]}} (n numbers each, the
 * population standard deviation; see {@link Standardizer}). {@code labelMap} maps label text to the
 * class value ({@code {"cat": 0, "dog": 1}}); {@code hashing} is {@code {"bits", "ngrams",
 * "lowercase"}}. {@code unknownFields} is {@code ignore} or {@code reject} ({@code input.unknownFields});
 * a file written before it was recorded reads as {@code ignore}. A run of the built-in generator has {@code "input": {"type": "generator"}},
 * {@code formatOptions} null and no scaling. Numbers are written so that they read back exactly.
 *
 * @param job the job's name
 * @param inputType the job's {@code input.type} in lower case ({@code generator}, {@code jsonl}, ...)
 * @param options how the training input was parsed; null for the generator
 * @param maxLineBytes the longest accepted line ({@code input.maxLineBytes})
 * @param scaler the fitted feature scaling, applied to every example after parsing
 * @param spec the resolved job spec as a JSON tree (keys as in {@code docs/job-spec.md}); see
 *     {@link #toJobSpec()}
 */
public record Preprocessing(
        String job, String inputType, FormatOptions options, int maxLineBytes, FeatureScaler scaler, JsonNode spec) {

    /** The file's name in a run folder. */
    public static final String FILE_NAME = "preprocessing.json";

    /** The format written into the file; a reader refuses any other. */
    public static final String FORMAT = "fedflink-preprocessing/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public Preprocessing {
        if (scaler == null) {
            throw new IllegalArgumentException("scaler is required (FeatureScaler.none() for no scaling)");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
    }

    /**
     * The preprocessing of a job.
     *
     * @param options how its input is parsed, or null for the generator
     * @param scaler its fitted scaler ({@link FeatureScaler#none()}, {@link FeatureScaler#divideBy}
     *     or a {@link Standardizer})
     * @throws IllegalArgumentException for a scaler of another kind, which could not be recorded
     */
    public static Preprocessing of(JobSpec spec, FormatOptions options, FeatureScaler scaler) {
        scalingTree(scaler); // fail now, not when writing
        JsonNode tree;
        try {
            tree = YAML.readTree(JobSpecLoader.toYaml(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the job spec's own YAML does not read back: " + e.getMessage(), e);
        }
        return new Preprocessing(spec.job(), spec.input().type().name().toLowerCase(Locale.ROOT), options,
                spec.input().maxLineBytes(), scaler, tree);
    }

    /** Whether the run read files (then {@link #options()} is set) rather than the generator. */
    public boolean isFileInput() {
        return options != null;
    }

    /** The format of the training input, if it was files. */
    public Optional<InputFormat> format() {
        return options == null ? Optional.empty() : Optional.of(options.format());
    }

    /**
     * Writes {@value #FILE_NAME} into {@code dir} (created if needed), replacing it atomically.
     *
     * @return the file written
     */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(FILE_NAME);
            Path tmp = dir.resolve(FILE_NAME + ".tmp");
            JSON.writeValue(tmp.toFile(), toTree());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /** The file's JSON document. */
    public ObjectNode toTree() {
        ObjectNode root = NODES.objectNode();
        root.put("format", FORMAT);
        root.put("job", job);
        ObjectNode input = root.putObject("input");
        input.put("type", inputType);
        JsonNode specInput = spec.path("input");
        input.set("path", specInput.path("path").isTextual() ? specInput.get("path") : NODES.nullNode());
        input.set("labelsPath", specInput.path("labelsPath").isTextual() ? specInput.get("labelsPath") : NODES.nullNode());
        input.put("maxLineBytes", maxLineBytes);
        root.set("formatOptions", options == null ? NODES.nullNode() : optionsTree(options));
        root.set("scaling", scalingTree(scaler));
        root.set("jobSpec", spec);
        return root;
    }

    /** The recorded job spec, read back through {@link JobSpecLoader} (so with today's defaults for new keys). */
    public JobSpec toJobSpec() {
        try {
            return JobSpecLoader.parse(YAML.writeValueAsString(spec), null);
        } catch (JobSpecException | JsonProcessingException e) {
            throw new ArtifactException("the job spec recorded in " + FILE_NAME + " no longer loads: " + e.getMessage(), e);
        }
    }

    /** Reads {@value #FILE_NAME} from {@code dir} if it has one. */
    public static Optional<Preprocessing> find(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /**
     * Reads and checks a preprocessing file.
     *
     * @throws ArtifactException with a one-line message naming the file and the problem
     */
    public static Preprocessing read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ArtifactException(file + " is not JSON: " + SavedModel.oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ArtifactException("cannot read " + file + ": " + SavedModel.oneLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ArtifactException(file + " is not a preprocessing file (not a JSON object)");
        }
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new ArtifactException(file + " is not a preprocessing file (format "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected " + FORMAT + ")");
        }
        try {
            JsonNode input = root.path("input");
            String type = text(input, "type", "input.type");
            int maxLineBytes = input.path("maxLineBytes").canConvertToInt() && input.path("maxLineBytes").intValue() > 0
                    ? input.path("maxLineBytes").intValue()
                    : fail("input.maxLineBytes must be a whole number >= 1, got " + input.path("maxLineBytes"));
            JsonNode optionsNode = root.path("formatOptions");
            FormatOptions options = optionsNode.isObject() ? options(optionsNode) : null;
            if (options == null && !"generator".equals(type)) {
                fail("formatOptions is missing for input type '" + type + "'");
            }
            FeatureScaler scaler = scaler(root.path("scaling"));
            JsonNode spec = root.path("jobSpec");
            if (!spec.isObject()) {
                fail("jobSpec is missing");
            }
            return new Preprocessing(root.path("job").asText(""), type, options, maxLineBytes, scaler, spec);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode optionsTree(FormatOptions o) {
        ObjectNode n = NODES.objectNode();
        n.put("format", o.format().name().toLowerCase(Locale.ROOT));
        n.put("features", o.features());
        n.put("sourceField", o.sourceField());
        n.put("timeField", o.timeField());
        n.put("labelField", o.labelField());
        n.put("featuresField", o.featuresField());
        n.put("indicesField", o.indicesField());
        n.put("valuesField", o.valuesField());
        n.put("textField", o.textField());
        n.put("csvHeader", o.csvHeader());
        n.put("csvDelimiter", String.valueOf(o.csvDelimiter()));
        n.put("libsvmIndexBase", o.libsvmIndexBase());
        var ignored = n.putArray("csvIgnoredColumns");
        o.csvIgnoredColumns().stream().sorted().forEach(ignored::add);
        if (o.labelMap() == null) {
            n.putNull("labelMap");
        } else {
            ObjectNode map = n.putObject("labelMap");
            // sorted by value, then text, so the file reads like the class list it is
            o.labelMap().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> map.put(e.getKey(), e.getValue()));
        }
        if (o.hashing() == null) {
            n.putNull("hashing");
        } else {
            ObjectNode h = n.putObject("hashing");
            h.put("bits", o.hashing().bits());
            h.put("ngrams", o.hashing().ngrams());
            h.put("lowercase", o.hashing().lowercase());
        }
        n.put("unknownFields", o.unknownFields().name().toLowerCase(Locale.ROOT));
        return n;
    }

    private static FormatOptions options(JsonNode n) {
        String formatName = text(n, "format", "formatOptions.format");
        InputFormat format;
        try {
            format = InputFormat.valueOf(formatName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fail("formatOptions.format '" + formatName + "' is not one of jsonl, csv, libsvm, idx");
        }
        FormatOptions.Builder b = FormatOptions.builder(format, integer(n, "features"))
                .sourceField(nullableText(n, "sourceField"))
                .timeField(nullableText(n, "timeField"))
                .labelField(text(n, "labelField", "formatOptions.labelField"))
                .featuresField(text(n, "featuresField", "formatOptions.featuresField"))
                .indicesField(text(n, "indicesField", "formatOptions.indicesField"))
                .valuesField(text(n, "valuesField", "formatOptions.valuesField"))
                .textField(text(n, "textField", "formatOptions.textField"))
                .csvHeader(n.path("csvHeader").asBoolean(true))
                .libsvmIndexBase(integer(n, "libsvmIndexBase"));
        String delimiter = text(n, "csvDelimiter", "formatOptions.csvDelimiter");
        if (delimiter.length() != 1) {
            fail("formatOptions.csvDelimiter must be one character, got '" + delimiter + "'");
        }
        b.csvDelimiter(delimiter.charAt(0));
        JsonNode map = n.path("labelMap");
        if (map.isObject()) {
            Map<String, Double> labelMap = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber()) {
                    fail("formatOptions.labelMap value of '" + e.getKey() + "' must be a number, got " + e.getValue());
                }
                labelMap.put(e.getKey(), e.getValue().doubleValue());
            }
            b.labelMap(labelMap);
        }
        java.util.Set<String> ignored = new java.util.TreeSet<>();
        n.path("csvIgnoredColumns").forEach(c -> ignored.add(c.asText()));
        b.csvIgnoredColumns(ignored);
        JsonNode h = n.path("hashing");
        if (h.isObject()) {
            b.hashing(new TextHashing(integer(h, "bits"), integer(h, "ngrams"), h.path("lowercase").asBoolean(true)));
        }
        b.unknownFields(unknownFields(n.path("unknownFields")));
        return b.build();
    }

    /** {@code ignore}, {@code reject}, or absent (a file from before it was recorded): ignore, the default then. */
    private static FormatOptions.UnknownFields unknownFields(JsonNode n) {
        if (n.isMissingNode()) {
            return FormatOptions.UnknownFields.IGNORE;
        }
        for (FormatOptions.UnknownFields policy : FormatOptions.UnknownFields.values()) {
            if (policy.name().toLowerCase(Locale.ROOT).equals(n.textValue())) {
                return policy;
            }
        }
        return fail("formatOptions.unknownFields must be ignore or reject, got " + n);
    }

    private static JsonNode scalingTree(FeatureScaler scaler) {
        ObjectNode n = NODES.objectNode();
        if (scaler instanceof FeatureScaler.None) {
            n.put("type", "none");
        } else if (scaler instanceof FeatureScaler.DivideBy d) {
            n.put("type", "divide");
            n.put("divisor", d.divisor());
        } else if (scaler instanceof Standardizer s) {
            n.put("type", "standardize");
            n.put("features", s.features());
            ArrayNode mean = n.putArray("mean");
            ArrayNode std = n.putArray("std");
            for (int j = 0; j < s.features(); j++) {
                mean.add(s.mean(j));
                std.add(s.std(j));
            }
        } else {
            throw new IllegalArgumentException("cannot record a feature scaler of type "
                    + (scaler == null ? "null" : scaler.getClass().getName()) + " in " + FILE_NAME);
        }
        return n;
    }

    private static FeatureScaler scaler(JsonNode n) {
        String type = text(n, "type", "scaling.type");
        return switch (type) {
            case "none" -> FeatureScaler.none();
            case "divide" -> FeatureScaler.divideBy(number(n.path("divisor"), "scaling.divisor"));
            case "standardize" -> {
                int features = integer(n, "features");
                double[] mean = numbers(n.path("mean"), features, "scaling.mean");
                double[] std = numbers(n.path("std"), features, "scaling.std");
                yield Standardizer.of(mean, std);
            }
            default -> fail("scaling.type '" + type + "' is not one of none, divide, standardize");
        };
    }

    private static double[] numbers(JsonNode array, int length, String name) {
        if (!array.isArray() || array.size() != length) {
            fail(name + " must be a list of " + length + " numbers, got "
                    + (array.isArray() ? array.size() + " elements" : array.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = number(array.get(i), name + "[" + i + "]");
        }
        return values;
    }

    private static double number(JsonNode n, String name) {
        if (!n.isNumber()) {
            fail(name + " must be a number, got " + (n.isMissingNode() ? "nothing" : n.toString()));
        }
        return n.doubleValue();
    }

    private static int integer(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            fail(field + " must be a whole number, got " + (n.isMissingNode() ? "nothing" : n.toString()));
        }
        return n.intValue();
    }

    private static String text(JsonNode parent, String field, String name) {
        JsonNode n = parent.path(field);
        if (!n.isTextual()) {
            fail(name + " must be text, got " + (n.isMissingNode() ? "nothing" : n.toString()));
        }
        return n.textValue();
    }

    private static String nullableText(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        return n.isTextual() ? n.textValue() : null;
    }

    private static <T> T fail(String message) {
        throw new IllegalArgumentException(message);
    }

    @Override
    public String toString() {
        return "Preprocessing[" + job + ", input " + inputType + ", " + options + ", scaler " + scaler + "]";
    }
}
