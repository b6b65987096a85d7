package org.fedflink.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FileDataset;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.FormatProbe;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InputPaths;
import org.fedflink.data.LineReader;
import org.fedflink.data.PartitionHistogram;
import org.fedflink.data.PartitionScheme;
import org.fedflink.data.Partitioner;
import org.fedflink.data.Row;
import org.fedflink.data.Standardizer;
import org.fedflink.data.TextHashing;

/**
 * A bounded file input, prepared on the client before the job is built: the files, how to parse
 * them, how many records they hold, which simulated source each record goes to (when the data has
 * no source field) and the feature scaling. Everything that needs a look at the data happens here,
 * once, so that a file that is not the declared format fails before the job starts, and so that
 * the partition and the scaling are fixed for the whole run (and for every restart of it).
 *
 * <p>The source assignment is shipped with the job: 4 bytes per record. So is, when several readers
 * read an input whose rows name their sources, each row's reader group (2 bytes per record): the
 * rows are split by source, never by position, so that each source is read by one reader in order;
 * and, when the trainers read such an input themselves, each row's key group (2 bytes per record),
 * so that each trainer reads the rows of its own sources, in order.
 *
 * @param readerGroups how many readers split the input by source ({@code input.parallelism})
 * @param groupOfRow each row's reader group, for an unpartitioned input read by several readers; else null
 * @param keyGroups the trainers' key groups ({@code maxParallelism}) {@code keyGroupOfRow} is of, or 0
 * @param keyGroupOfRow each row's key group, for an unpartitioned input the trainers read themselves
 *     ({@code input.readBy}): the key group of the source the row names, as the trainers' {@code keyBy}
 *     would place it (2 bytes per record); else null
 */
public record FileInput(
        InputFormat format,
        List<String> files,
        String labelsPath,
        FormatOptions options,
        int maxLineBytes,
        long rows,
        int[] sourceOfRow,
        int sources,
        FeatureScaler scaler,
        int readerGroups,
        short[] groupOfRow,
        int keyGroups,
        short[] keyGroupOfRow)
        implements Serializable {

    /** How many leading rows of each file the format probe looks at. */
    private static final int PROBE_ROWS = 100;

    /** Name of the per-source label histogram in the run folder. */
    public static final String PARTITION_FILE = "partition.csv";

    /**
     * Looks at the input a job spec describes and prepares it; writes the partition histogram to
     * {@code outDir} when rows are dealt to simulated sources.
     *
     * @throws FormatException if the input is missing, unreadable, empty or not the declared format,
     *     with one line naming the key ({@code input.path: /data/x.jsonl does not exist})
     */
    public static FileInput prepare(JobSpec spec, Path outDir) {
        JobSpec.InputSpec input = spec.input();
        InputFormat format = InputFormat.valueOf(input.type().name());
        FormatOptions options = formatOptions(spec);
        if (input.monitor()) {
            return prepareMonitored(spec, options);
        }
        List<Path> paths = format == InputFormat.IDX
                ? List.of(InputPaths.requireFile("input.path", Path.of(input.path())))
                : InputPaths.listFiles("input.path", Path.of(input.path()));
        if (format == InputFormat.IDX) {
            InputPaths.requireFile("input.labelsPath", Path.of(input.labelsPath()));
        } else {
            for (Path file : paths) {
                probe(file, options, input.maxLineBytes());
            }
        }
        FileInput unpartitioned = new FileInput(format, paths.stream().map(Path::toString).toList(),
                input.labelsPath(), options, input.maxLineBytes(), 0, null, 0, FeatureScaler.none(), 1, null, 0, null);
        FileDataset opened;
        try {
            opened = unpartitioned.open();
        } catch (IOException e) {
            throw InputPaths.cannotRead("input.path", Path.of(input.path()), e);
        }
        try (FileDataset dataset = opened) {
            long rows = dataset.rows();
            if (rows == 0) {
                throw new FormatException("input.path: " + input.path() + " has no records");
            }
            JobSpec.PartitionSpec partition = input.partition();
            int[] sourceOfRow = null;
            int sources = 0;
            if (partition.scheme() != JobSpec.PartitionScheme.NONE) {
                if (rows > Integer.MAX_VALUE - 8) {
                    throw new FormatException("input.path: " + input.path() + " has " + rows
                            + " records, more than input.partition can assign (" + (Integer.MAX_VALUE - 8) + ")");
                }
                sources = partition.sources();
                sourceOfRow = partition(dataset, (int) rows, spec, outDir);
            }
            FeatureScaler scaler = scaler(spec, dataset);
            int groups = input.parallelism();
            boolean trainersRead = spec.trainersReadInput();
            short[] groupOfRow = sourceOfRow == null && groups > 1 && !trainersRead
                    ? groupsOfRows(dataset, (int) rows, groups, source -> groupOfSource(source, groups)) : null;
            int keyGroups = sourceOfRow == null && trainersRead
                    ? JobSpec.TrainerSpec.maxParallelism(spec.trainer().parallelism()) : 0;
            short[] keyGroupOfRow = keyGroups > 0 ? groupsOfRows(dataset, (int) rows, keyGroups,
                    source -> KeyGroupRangeAssignment.assignToKeyGroup(source, keyGroups)) : null;
            return new FileInput(format, unpartitioned.files(), input.labelsPath(), options, input.maxLineBytes(),
                    rows, sourceOfRow, sources, scaler, groups, groupOfRow, keyGroups, keyGroupOfRow);
        } catch (IOException e) {
            // writing the partition histogram, or closing
            throw new UncheckedIOException("cannot prepare input " + input.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A monitored directory: files present now are probed (and standardized from), files that
     * appear later are read as they come; nothing is counted or partitioned up front.
     */
    private static FileInput prepareMonitored(JobSpec spec, FormatOptions options) {
        JobSpec.InputSpec input = spec.input();
        Path dir = InputPaths.requireDirectory("input.path", Path.of(input.path()), "input.monitor is true");
        List<Path> present;
        try (var children = Files.list(dir)) {
            present = children.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw InputPaths.cannotRead("input.path", dir, e);
        }
        for (Path file : present) {
            probe(file, options, input.maxLineBytes());
        }
        FeatureScaler scaler = FeatureScaler.none();
        if (input.scaling().type() != JobSpec.Scaling.NONE) {
            if (input.scaling().type() == JobSpec.Scaling.STANDARDIZE && present.isEmpty()) {
                throw new FormatException("input.scaling standardize needs files in " + dir
                        + " when the job starts (it estimates from their first rows)");
            }
            FileInput existing = new FileInput(InputFormat.valueOf(input.type().name()),
                    present.stream().map(Path::toString).toList(), null, options, input.maxLineBytes(), 0, null, 0,
                    FeatureScaler.none(), 1, null, 0, null);
            try (FileDataset dataset = present.isEmpty() ? null : existing.open()) {
                scaler = scaler(spec, dataset);
            } catch (IOException e) {
                throw InputPaths.cannotRead("input.path", dir, e);
            }
        }
        int sources = input.partition().scheme() == JobSpec.PartitionScheme.IID ? input.partition().sources() : 0;
        return new FileInput(InputFormat.valueOf(input.type().name()), List.of(dir.toString()), null, options,
                input.maxLineBytes(), 0, null, sources, scaler, 1, null, 0, null);
    }

    /**
     * The reader group of row {@code row} when {@code groups} readers split the input by source:
     * a simulated source's index modulo {@code groups}, or the group of the source the row names
     * ({@link #groupOfSource}).
     */
    public int groupOfRow(long row, int groups) {
        if (sourceOfRow != null) {
            return sourceOfRow[(int) row] % groups;
        }
        if (groupOfRow == null || groups != readerGroups) {
            throw new IllegalStateException("the input was prepared for " + readerGroups + " readers, not " + groups);
        }
        return groupOfRow[(int) row];
    }

    /** The reader group of a source name among {@code groups}: its (specified, stable) string hash. */
    public static int groupOfSource(String source, int groups) {
        return Math.floorMod(source.hashCode(), groups);
    }

    /**
     * Each row's group among {@code groups}, {@code groupOfSource} of the source it names (one pass
     * that parses every row): a reader group, or a key group of the trainers that read the input
     * themselves. A row that does not parse has no source: it goes to the dead letters from
     * whichever reader or trainer its row number modulo {@code groups} gives.
     */
    private static short[] groupsOfRows(FileDataset dataset, int rows, int groups,
            ToIntFunction<String> groupOfSource) {
        if (groups > Short.MAX_VALUE + 1) {
            throw new IllegalArgumentException("at most 32768 groups, got " + groups);
        }
        short[] group = new short[rows];
        for (int row = 0; row < rows; row++) {
            FileDataset.Parsed parsed = dataset.read(row);
            String source = parsed.valid() ? parsed.example().source() : null;
            group[row] = (short) (source != null ? groupOfSource.applyAsInt(source) : row % groups);
        }
        return group;
    }

    /**
     * The key group, of {@code maxParallelism}, of row {@code row} of an input whose rows name their
     * sources, prepared for the trainers to read ({@link #keyGroupOfRow}).
     */
    public int keyGroupOfRow(long row, int maxParallelism) {
        if (keyGroupOfRow == null || maxParallelism != keyGroups) {
            throw new IllegalStateException("the input was prepared for trainers of " + keyGroups
                    + " key groups, not " + maxParallelism);
        }
        return keyGroupOfRow[(int) row];
    }

    /** Opens the dataset for reading (each reader opens its own). */
    public FileDataset open() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (format == InputFormat.IDX) {
            return FileDataset.openIdx(Path.of(files.get(0)), Path.of(labelsPath));
        }
        return FileDataset.openText(files.stream().map(Path::of).toList(), options, maxLineBytes, tmp);
    }

    /** Name of simulated source {@code s}: {@code s0000}, {@code s0001}, ... (wider past 10,000). */
    public String sourceName(int s) {
        return sourceName(s, sources);
    }

    /** Name of simulated source {@code s} of {@code sources}; every reader and the histogram use it. */
    public static String sourceName(int s, int sources) {
        int width = Math.max(4, Integer.toString(Math.max(0, sources - 1)).length());
        return "s" + String.format("%0" + width + "d", s);
    }

    /**
     * The parse options of a job spec's input: of its files, or of the rows in its Kafka messages
     * ({@code input.kafka.format}; a Kafka CSV row never has a header).
     */
    public static FormatOptions formatOptions(JobSpec spec) {
        JobSpec.InputSpec input = spec.input();
        JobSpec.FieldsSpec fields = input.fields();
        boolean partitioned = input.partition().scheme() != JobSpec.PartitionScheme.NONE;
        InputFormat format = input.isKafka()
                ? InputFormat.valueOf(input.kafka().format().name())
                : InputFormat.valueOf(input.type().name());
        // LibSVM and IDX carry neither a source nor a time, whatever input.fields says
        boolean named = format == InputFormat.JSONL || format == InputFormat.CSV;
        FormatOptions.Builder builder = FormatOptions.builder(format, spec.model().features())
                // a partitioned input ignores any source field of its own
                .sourceField(partitioned || !named ? null : field(fields.source()))
                .timeField(named ? field(fields.time()) : null)
                .labelField(fields.label())
                .featuresField(fields.features())
                .indicesField(fields.indices())
                .valuesField(fields.values())
                .textField(fields.text())
                .csvHeader(input.csv().header() && !input.isKafka())
                .csvDelimiter(input.csv().delimiter().charAt(0))
                .csvIgnoredColumns(new java.util.HashSet<>(input.csv().ignore()))
                .libsvmIndexBase(input.libsvm().indexBase())
                .unknownFields(FormatOptions.UnknownFields.valueOf(input.unknownFields().name()));
        if (!input.labelNames().isEmpty()) {
            Map<String, Double> labelMap = new HashMap<>();
            for (int i = 0; i < input.labelNames().size(); i++) {
                labelMap.put(input.labelNames().get(i), (double) i);
            }
            builder.labelMap(labelMap);
        }
        if (input.hashing().bits() > 0) {
            builder.hashing(new TextHashing(
                    input.hashing().bits(), input.hashing().ngrams(), input.hashing().lowercase()));
        }
        return builder.build();
    }

    private static String field(String name) {
        return JobSpec.FieldsSpec.NONE.equals(name) ? null : name;
    }

    private static void probe(Path file, FormatOptions options, int maxLineBytes) {
        List<byte[]> rows = new ArrayList<>();
        byte[] header = null;
        try (LineReader reader = new LineReader(LineReader.open(file), maxLineBytes)) {
            boolean wantHeader = options.format() == InputFormat.CSV && options.csvHeader();
            Row row;
            while (rows.size() < PROBE_ROWS && (row = reader.next()) != null) {
                if (row.oversized()) {
                    continue;
                }
                if (wantHeader && header == null) {
                    header = row.bytes();
                } else if (row.length() > 0) {
                    rows.add(row.bytes());
                }
            }
        } catch (IOException e) {
            throw InputPaths.cannotRead("input.path", file, e);
        }
        FormatProbe.check(file.getFileName().toString(), "input.type", options, header, rows);
    }

    private static int[] partition(FileDataset dataset, int rows, JobSpec spec, Path outDir) throws IOException {
        JobSpec.PartitionSpec p = spec.input().partition();
        int classes = spec.model().toSpec().isClassifier() ? spec.model().classes() : 1;
        boolean needsLabels = p.scheme() == JobSpec.PartitionScheme.DIRICHLET
                || p.scheme() == JobSpec.PartitionScheme.SHARDS;
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            int c = needsLabels || classes > 1 ? dataset.classOf(i) : 0;
            // rows without a usable label go to the dead letter anyway; class 0 keeps them in the split
            labels[i] = c >= 0 && c < classes ? c : 0;
        }
        PartitionScheme scheme = switch (p.scheme()) {
            case IID -> new PartitionScheme.Iid();
            case DIRICHLET -> new PartitionScheme.Dirichlet(p.alpha());
            case SHARDS -> new PartitionScheme.Shards(p.shardsPerSource());
            case QUANTITY -> new PartitionScheme.QuantitySkew(p.alpha());
            case NONE -> throw new IllegalStateException("not partitioned");
        };
        int[] sourceOfRow;
        try {
            sourceOfRow = Partitioner.assign(labels, classes, p.sources(), scheme, spec.seed());
        } catch (IllegalArgumentException e) {
            throw new FormatException("input.partition: " + e.getMessage(), e);
        }
        Files.createDirectories(outDir);
        PartitionHistogram.of(sourceOfRow, labels, p.sources(), classes)
                .writeCsv(outDir.resolve(PARTITION_FILE), s -> sourceName(s, p.sources()));
        return sourceOfRow;
    }

    private static FeatureScaler scaler(JobSpec spec, FileDataset dataset) {
        JobSpec.ScalingSpec scaling = spec.input().scaling();
        return switch (scaling.type()) {
            case NONE -> FeatureScaler.none();
            case DIVIDE -> FeatureScaler.divideBy(scaling.divisor());
            case STANDARDIZE -> {
                List<Example> first = new ArrayList<>();
                for (long i = 0; i < dataset.rows() && first.size() < scaling.examples(); i++) {
                    FileDataset.Parsed parsed = dataset.read(i);
                    if (parsed.valid()) {
                        first.add(parsed.example());
                    }
                }
                if (first.isEmpty()) {
                    throw new FormatException("input.scaling: no valid record to standardize from in the first "
                            + dataset.rows() + " rows");
                }
                yield Standardizer.fit(first, spec.model().features());
            }
        };
    }
}
