package org.fedflink.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Debian's package index as {@code apt-cache dumpavail} prints it: RFC-822-style records
 * ({@code Field: value} lines, continuation lines starting with a space or a tab, records separated
 * by blank lines), one per package, in the index's order.
 *
 * <p>Tolerant, because the index is data: field names are case-insensitive; a line that is neither
 * a field nor a continuation is skipped and counted; a record without a {@code Package} field is
 * skipped and counted; a package listed again keeps its first record. Only the fields a quality
 * dataset reads are kept.
 */
final class DebianIndex {

    /** What {@code dumpavail} is run with; {@code apt-cache} must be on the PATH. */
    static final List<String> DUMPAVAIL = List.of("apt-cache", "dumpavail");

    /** Where apt keeps the lists it downloaded (their {@code Release} files carry the index's date). */
    static final Path APT_LISTS = Path.of("/var/lib/apt/lists");

    private static final String UPDATE_HINT = "run 'apt-get update' as root (bin/install-deps does)";

    private static final DateTimeFormatter RELEASE_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss z",
            Locale.ENGLISH);

    /**
     * One package of the index.
     *
     * @param name the {@code Package} field
     * @param maintainer the {@code Maintainer} field, or "" when the record has none
     * @param description the short description (the first line of {@code Description}), or ""
     * @param tags the debtags ({@code Tag} field, over any number of lines), e.g. {@code game::strategy}
     * @param section the {@code Section} without its archive area ({@code contrib/games} is
     *     {@code games}), or "" when the record has none
     */
    record Package(String name, String maintainer, String description, List<String> tags, String section) {

        /**
         * The tags as words, facets and values apart: {@code game::strategy, interface::graphical}
         * is {@code "game strategy interface graphical"}.
         */
        String tagWords() {
            StringBuilder words = new StringBuilder();
            for (String tag : tags) {
                for (String word : tag.split(":+")) {
                    if (!word.isEmpty()) {
                        if (words.length() > 0) {
                            words.append(' ');
                        }
                        words.append(word);
                    }
                }
            }
            return words.toString();
        }
    }

    /**
     * The packages of an index and what was skipped reading it.
     *
     * @param packages in the index's order, each name once
     * @param oddRecords records skipped because they have no {@code Package} field
     * @param oddLines lines skipped because they are neither a field nor a continuation
     * @param repeated records skipped because their package was listed before
     */
    record Index(List<Package> packages, int oddRecords, int oddLines, int repeated) {}

    private DebianIndex() {}

    /** Reads an index in the {@code dumpavail} format. */
    static Index parse(Reader text) throws IOException {
        BufferedReader lines = text instanceof BufferedReader b ? b : new BufferedReader(text);
        List<Package> packages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int[] odd = new int[3]; // records, lines, repeated
        Map<String, StringBuilder> fields = new LinkedHashMap<>();
        StringBuilder last = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                finish(fields, packages, seen, odd);
                last = null;
                continue;
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                if (last == null) {
                    odd[1]++;
                } else {
                    last.append('\n').append(line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.substring(0, colon).chars().anyMatch(Character::isWhitespace)) {
                odd[1]++;
                last = null;
                continue;
            }
            last = new StringBuilder(line.substring(colon + 1).strip());
            fields.put(line.substring(0, colon).toLowerCase(Locale.ROOT), last);
        }
        finish(fields, packages, seen, odd);
        return new Index(List.copyOf(packages), odd[0], odd[1], odd[2]);
    }

    private static void finish(Map<String, StringBuilder> fields, List<Package> packages, Set<String> seen, int[] odd) {
        if (fields.isEmpty()) {
            return;
        }
        String name = value(fields, "package");
        if (name.isEmpty()) {
            odd[0]++;
        } else if (!seen.add(name)) {
            odd[2]++;
        } else {
            String description = value(fields, "description");
            int newline = description.indexOf('\n');
            List<String> tags = new ArrayList<>();
            for (String tag : value(fields, "tag").split("[,\\s]+")) {
                if (!tag.isEmpty()) {
                    tags.add(tag);
                }
            }
            String section = value(fields, "section");
            packages.add(new Package(name, value(fields, "maintainer"),
                    newline < 0 ? description : description.substring(0, newline), List.copyOf(tags),
                    section.substring(section.lastIndexOf('/') + 1)));
        }
        fields.clear();
    }

    private static String value(Map<String, StringBuilder> fields, String name) {
        StringBuilder value = fields.get(name);
        return value == null ? "" : value.toString();
    }

    /**
     * Runs {@code apt-cache dumpavail} and reads what it prints.
     *
     * @throws IOException with one line saying to run {@code apt-get update} when apt-cache is
     *     missing, fails, or prints no package
     */
    static Index dumpavail() throws IOException {
        return dumpavail(DUMPAVAIL);
    }

    /** {@link #dumpavail()} with another command (tests). */
    static Index dumpavail(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot run 'apt-cache dumpavail' (" + e.getMessage()
                    + "): the Debian package index needs apt; on Debian, " + UPDATE_HINT, e);
        }
        Index index;
        try (Reader out = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            process.getOutputStream().close();
            index = parse(out);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        int exit;
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("'apt-cache dumpavail' did not finish in 60 s");
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading 'apt-cache dumpavail'", e);
        }
        if (exit != 0) {
            throw new IOException("'apt-cache dumpavail' exited with " + exit + ": " + UPDATE_HINT);
        }
        requireNotEmpty(index, "'apt-cache dumpavail'");
        return index;
    }

    /** Reads a file in the {@code dumpavail} format (tests, or an index saved elsewhere). */
    static Index read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Index index = parse(in);
            requireNotEmpty(index, file.toString());
            return index;
        }
    }

    private static void requireNotEmpty(Index index, String what) throws IOException {
        if (index.packages().isEmpty()) {
            throw new IOException("the Debian package index is empty (" + what + " lists no package): " + UPDATE_HINT);
        }
    }

    /**
     * When and from what release the index is: {@code indexDate} (the newest {@code Date} of the
     * {@code *Release} files apt downloaded, ISO-8601) and {@code indexRelease} ("Debian 12.15
     * (bookworm)", from the first Release file that names a version). Empty when there are none.
     */
    static Map<String, Object> releaseFacts(Path lists) throws IOException {
        Map<String, Object> facts = new LinkedHashMap<>();
        if (!Files.isDirectory(lists)) {
            return facts;
        }
        List<Path> releases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(lists, "*Release")) {
            files.forEach(releases::add);
        }
        releases.sort(null);
        ZonedDateTime newest = null;
        String release = null;
        for (Path file : releases) {
            Map<String, String> header = releaseHeader(file);
            String date = header.get("date");
            if (date != null) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(date, RELEASE_DATE);
                    if (newest == null || at.isAfter(newest)) {
                        newest = at;
                    }
                } catch (DateTimeParseException e) {
                    // a date in another form says nothing we can compare; the others still count
                }
            }
            // the base suite (bookworm) names the point release; its -updates and -security suites do not
            String codename = header.getOrDefault("codename", "");
            if (header.containsKey("version") && (release == null || !codename.contains("-"))) {
                release = header.getOrDefault("origin", "Debian") + " " + header.get("version")
                        + (codename.isEmpty() ? "" : " (" + codename + ")");
            }
        }
        if (newest != null) {
            facts.put("indexDate", DateTimeFormatter.ISO_INSTANT.format(newest.toInstant()));
        }
        if (release != null) {
            facts.put("indexRelease", release);
        }
        return facts;
    }

    /** The top-level fields of a (clear-signed) Release file, up to its first continuation block. */
    private static Map<String, String> releaseHeader(Path file) throws IOException {
        Map<String, String> header = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int read = 0;
            while ((line = in.readLine()) != null && read++ < 50) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith(" ") && !line.startsWith("-----")) {
                    header.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            return header;
        }
        return header;
    }
}
