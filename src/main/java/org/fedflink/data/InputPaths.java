package org.fedflink.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checks on a path a setting names, made before anything is read, so that a missing or
 * unreadable input is one line naming the setting's key and the path, the same for every input:
 * {@code input.path: /data/x.jsonl does not exist}. Every message has the form
 * {@code KEY: PATH PROBLEM}, or {@code KEY: cannot read PATH: REASON} for an I/O error met while
 * reading. The key is a job-spec key ({@code input.labelsPath}, {@code evaluation.holdoutPath},
 * {@code evaluation.holdouts.NAME.path}) or a command-line option ({@code --input}).
 */
public final class InputPaths {

    private InputPaths() {}

    /**
     * A file to read: it exists, is a regular file and is readable.
     *
     * @return {@code path}
     * @throws FormatException "KEY: PATH does not exist", "KEY: PATH is a directory, not a file" (or
     *     "is not a regular file"), "KEY: PATH is not readable"
     */
    public static Path requireFile(String key, Path path) {
        if (Files.isDirectory(path)) {
            throw new FormatException(key + ": " + path + " is a directory, not a file");
        }
        requireReadable(key, path);
        if (!Files.isRegularFile(path)) {
            throw new FormatException(key + ": " + path + " is not a regular file");
        }
        return path;
    }

    /**
     * The files a path names: the file itself, or the regular, non-hidden files of a directory in
     * name order.
     *
     * @throws FormatException as {@link #requireFile}, or "KEY: PATH has no files to read (hidden
     *     files and subdirectories are skipped)", or "KEY: cannot read PATH: REASON"
     */
    public static List<Path> listFiles(String key, Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(requireFile(key, path));
        }
        requireReadable(key, path);
        List<Path> files;
        try (Stream<Path> children = Files.list(path)) {
            files = children
                    .filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw cannotRead(key, path, e);
        }
        if (files.isEmpty()) {
            throw new FormatException(key + ": " + path + " has no files to read (hidden files and subdirectories"
                    + " are skipped)");
        }
        for (Path file : files) {
            requireReadable(key, file);
        }
        return files;
    }

    /**
     * A directory to watch ({@code input.monitor}).
     *
     * @throws FormatException "KEY: PATH does not exist", "KEY: PATH is not a directory (WHY)",
     *     "KEY: PATH is not readable"
     */
    public static Path requireDirectory(String key, Path path, String why) {
        if (!Files.exists(path)) {
            throw new FormatException(key + ": " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new FormatException(key + ": " + path + " is not a directory (" + why + ")");
        }
        requireReadable(key, path);
        return path;
    }

    /**
     * An I/O error met while reading {@code path}, as one line naming the key: "KEY: cannot read
     * PATH: REASON". A file gone or locked since it was checked reads as above ("does not exist",
     * "is not readable").
     */
    public static FormatException cannotRead(String key, Path path, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new FormatException(key + ": " + path + " does not exist", e);
        }
        if (e instanceof AccessDeniedException) {
            return new FormatException(key + ": " + path + " is not readable", e);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                .orElse("");
        return new FormatException(key + ": cannot read " + path + ": " + reason, e);
    }

    private static void requireReadable(String key, Path path) {
        if (!Files.exists(path)) {
            throw new FormatException(key + ": " + path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new FormatException(key + ": " + path + " is not readable");
        }
    }
}
