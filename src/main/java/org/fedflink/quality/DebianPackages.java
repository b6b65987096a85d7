package org.fedflink.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Debian's package index as a text classification dataset ({@code prepare.kind: debian-packages}):
 * one example per package, {@code {"source": maintainer, "text": name + short description + tags,
 * "label": ...}}, in the index's order. The maintainers (people and teams such as the Debian Games
 * Team) are natural, non-IID sources.
 *
 * <p>Labels ({@code prepare.label}):
 * <ul>
 *   <li>{@code section}: the package's section, over the {@code classes} largest sections of the
 *       index; packages of other sections are left out. Labels are written as section names, so the
 *       job reads them with {@code input.labelNames}; the order is written to the facts
 *       ({@code labelNames}) and to {@code labels.txt} (class i on line i + 1). When the dataset
 *       names its sections ({@code input.labelNames}), that order is used and the prepare fails if the
 *       index's largest sections are no longer those.
 *   <li>{@code binary-library}: 1 when the package is a library in Debian's sense — its section is
 *       {@link #LIBRARY_SECTIONS} (shared libraries, development files, GObject introspection data, or
 *       the section of a programming language's ecosystem, whose packages are its modules) — else 0.
 *       About 57 % of bookworm's packages are (the facts say what this index gives): a natural,
 *       nearly balanced yes/no question.
 * </ul>
 *
 * <p>Split: a stable hash of the package name puts 80 % into {@code train.jsonl} and 20 % into
 * {@code holdout.jsonl}, so a package keeps its side across index updates. Quick mode keeps the
 * packages whose name hashes into one tenth (another part of the same hash): deterministic, and the
 * same packages whatever the index's order.
 *
 * <p>The index is {@code apt-cache dumpavail} (after {@code apt-get update}) or, for tests, a file
 * in that format ({@link #readingFile}).
 */
public final class DebianPackages implements DatasetSource {

    /** What the label of a package is. */
    public enum Label {
        /** The section, over the largest sections. */
        SECTION("section"),
        /** Whether the package is a library ({@link #LIBRARY_SECTIONS}). */
        BINARY_LIBRARY("binary-library");

        private final String key;

        Label(String key) {
            this.key = key;
        }

        /** The word of {@code prepare.label}. */
        public String key() {
            return key;
        }

        /** @throws IllegalArgumentException naming the allowed words */
        public static Label of(String key) {
            for (Label label : values()) {
                if (label.key.equals(key)) {
                    return label;
                }
            }
            throw new IllegalArgumentException("prepare.label must be section or binary-library, got '" + key + "'");
        }
    }

    /** The sections whose packages are libraries, for {@link Label#BINARY_LIBRARY}. */
    public static final Set<String> LIBRARY_SECTIONS = Set.of("libs", "libdevel", "introspection", "python", "perl",
            "haskell", "rust", "golang", "javascript", "java", "ruby", "gnu-r", "php", "ocaml", "lisp", "cli-mono");

    /** The class names of {@link Label#BINARY_LIBRARY}: 0 and 1. */
    static final List<String> BINARY_NAMES = List.of("other", "library");

    /** Share of packages in the holdout, in fifths of the hash range: 1 of 5. */
    private static final int HOLDOUT_FIFTHS = 1;

    /** Quick mode keeps one package in this many. */
    static final int QUICK_ONE_IN = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Label label;
    private final int classes;
    private final List<String> labelNames;
    private final Path indexFile;
    private final Path aptLists;

    private DebianPackages(Label label, int classes, List<String> labelNames, Path indexFile, Path aptLists) {
        this.label = label;
        this.classes = classes;
        this.labelNames = labelNames == null ? List.of() : List.copyOf(labelNames);
        this.indexFile = indexFile;
        this.aptLists = aptLists;
    }

    /**
     * Section labels over the {@code classes} largest sections.
     *
     * @param labelNames the sections as the dataset names them ({@code input.labelNames}), in its order,
     *     or empty to take the largest first
     * @throws IllegalArgumentException if {@code classes < 2}, or the names are not {@code classes} distinct names
     */
    public static DebianPackages sections(int classes, List<String> labelNames) {
        if (classes < 2) {
            throw new IllegalArgumentException("prepare.classes must be >= 2, got " + classes);
        }
        if (labelNames != null && !labelNames.isEmpty()
                && (labelNames.size() != classes || new HashSet<>(labelNames).size() != classes)) {
            throw new IllegalArgumentException("input.labelNames must name " + classes + " distinct sections"
                    + " (prepare.classes), got " + labelNames);
        }
        return new DebianPackages(Label.SECTION, classes, labelNames, null, DebianIndex.APT_LISTS);
    }

    /** The yes/no question "is it a library?" ({@link Label#BINARY_LIBRARY}). */
    public static DebianPackages binaryLibrary() {
        return new DebianPackages(Label.BINARY_LIBRARY, 2, List.of(), null, DebianIndex.APT_LISTS);
    }

    /**
     * The same dataset read from a file in the {@code dumpavail} format instead of {@code apt-cache},
     * with no apt lists (so no index date).
     */
    public DebianPackages readingFile(Path dumpavail) {
        return new DebianPackages(label, classes, labelNames, dumpavail, null);
    }

    @Override
    public PreparedDataset prepare(Path dir, boolean quick) throws IOException {
        return PreparedFolder.reuseOrMake(dir, toString(), quick, folder -> make(folder, quick));
    }

    private PreparedDataset make(Path dir, boolean quick) throws IOException {
        DebianIndex.Index index = indexFile == null ? DebianIndex.dumpavail() : DebianIndex.read(indexFile);
        List<String> names = classNames(index.packages());
        Map<String, Integer> classOf = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            classOf.put(names.get(i), i);
        }

        Path train = dir.resolve("train.jsonl");
        Path holdout = dir.resolve("holdout.jsonl");
        long[] perClass = new long[names.size()];
        long trainExamples = 0;
        long holdoutExamples = 0;
        long leftOut = 0;
        Map<String, Long> trainSources = new HashMap<>();
        try (BufferedWriter trainOut = Files.newBufferedWriter(train, StandardCharsets.UTF_8);
                BufferedWriter holdoutOut = Files.newBufferedWriter(holdout, StandardCharsets.UTF_8)) {
            for (DebianIndex.Package p : index.packages()) {
                int k = classOf(p, classOf);
                if (k < 0) {
                    leftOut++;
                    continue;
                }
                long hash = hash(p.name());
                if (quick && Math.floorMod(hash >>> 32, QUICK_ONE_IN) != 0) {
                    continue;
                }
                boolean held = Math.floorMod(hash, 5) < HOLDOUT_FIFTHS;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("source", p.maintainer().isEmpty() ? "unknown" : p.maintainer());
                row.put("text", text(p));
                row.put("label", label == Label.SECTION ? names.get(k) : (Object) k);
                BufferedWriter out = held ? holdoutOut : trainOut;
                out.write(JSON.writeValueAsString(row));
                out.write('\n');
                perClass[k]++;
                if (held) {
                    holdoutExamples++;
                } else {
                    trainExamples++;
                    trainSources.merge((String) row.get("source"), 1L, Long::sum);
                }
            }
        }
        Path labels = dir.resolve("labels.txt");
        Files.write(labels, names, StandardCharsets.UTF_8);

        long examples = trainExamples + holdoutExamples;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("examples", examples);
        facts.put("trainExamples", trainExamples);
        facts.put("holdoutExamples", holdoutExamples);
        facts.put("sources", trainSources.size());
        var top = trainSources.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())));
        if (top.isPresent()) {
            facts.put("largestSource", top.get().getKey());
            facts.put("largestSourceShare", share(top.get().getValue(), trainExamples));
        }
        facts.put("classes", names.size());
        facts.put("labelNames", names);
        Map<String, Object> shares = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            shares.put(names.get(i), share(perClass[i], examples));
        }
        facts.put("classShares", shares);
        if (label == Label.BINARY_LIBRARY) {
            facts.put("question", "is the package a library (section "
                    + String.join(", ", new TreeSet<>(LIBRARY_SECTIONS)) + ")?");
            facts.put("positiveShare", share(perClass[1], examples));
        }
        facts.put("split", "80 % train, 20 % holdout by a hash of the package name");
        if (quick) {
            facts.put("subset", "1 package in " + QUICK_ONE_IN + " by a hash of the package name");
        }
        facts.put("indexPackages", index.packages().size());
        facts.put("leftOut", leftOut);
        facts.put("oddRecords", index.oddRecords());
        facts.put("oddLines", index.oddLines());
        facts.put("repeatedRecords", index.repeated());
        if (aptLists != null) {
            facts.putAll(DebianIndex.releaseFacts(aptLists));
        }
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("train", train);
        files.put("holdout", holdout);
        files.put("labels", labels);
        return new PreparedDataset(files, facts, null);
    }

    /** The class names in class order. */
    private List<String> classNames(List<DebianIndex.Package> packages) throws IOException {
        if (label == Label.BINARY_LIBRARY) {
            return BINARY_NAMES;
        }
        Map<String, Long> sizes = new HashMap<>();
        for (DebianIndex.Package p : packages) {
            if (!p.section().isEmpty()) {
                sizes.merge(p.section(), 1L, Long::sum);
            }
        }
        List<String> largest = new ArrayList<>(sizes.keySet());
        largest.sort(Comparator.<String, Long>comparing(sizes::get).reversed().thenComparing(Comparator.naturalOrder()));
        if (largest.size() < classes) {
            throw new IOException("the Debian package index has " + largest.size() + " sections, fewer than the "
                    + classes + " of prepare.classes");
        }
        largest = List.copyOf(largest.subList(0, classes));
        if (labelNames.isEmpty()) {
            return largest;
        }
        if (!new HashSet<>(largest).equals(new HashSet<>(labelNames))) {
            throw new IOException("the " + classes + " largest sections of the Debian package index are now " + largest
                    + ", but the dataset names " + labelNames + " (input.labelNames): update the dataset's YAML");
        }
        return labelNames;
    }

    private int classOf(DebianIndex.Package p, Map<String, Integer> classOf) {
        if (label == Label.BINARY_LIBRARY) {
            return p.section().isEmpty() ? -1 : LIBRARY_SECTIONS.contains(p.section()) ? 1 : 0;
        }
        return classOf.getOrDefault(p.section(), -1);
    }

    /** The text of a package: its name, short description and tags as words. */
    static String text(DebianIndex.Package p) {
        StringBuilder text = new StringBuilder(p.name());
        if (!p.description().isEmpty()) {
            text.append(' ').append(p.description());
        }
        String tags = p.tagWords();
        if (!tags.isEmpty()) {
            text.append(' ').append(tags);
        }
        return text.toString();
    }

    /**
     * A stable 64-bit hash of a package name (FNV-1a over its UTF-8 bytes, then the SplitMix64
     * finalizer so that every bit depends on every byte): the same on every JVM and machine.
     */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(10000.0 * part / whole) / 10000.0;
    }

    @Override
    public String toString() {
        return "DebianPackages[label=" + label.key() + ", classes=" + classes + ", labelNames=" + labelNames
                + ", index=" + (indexFile == null ? "apt-cache dumpavail" : indexFile) + "]";
    }
}
