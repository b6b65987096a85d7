package org.fedflink.io;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Appends lines to a file that rolls over: once the active file (say {@code predictions.jsonl})
 * reaches {@link Policy#maxBytes} it is renamed to the next numbered part
 * ({@code predictions.000001.jsonl}, {@code predictions.000002.jsonl}, ...) and a new active file is
 * started (with the header, if any); only the newest {@link Policy#keepParts} parts are kept, so
 * that the lines of a job that runs for days take bounded disk space.
 *
 * <p>Exactly once, as {@link CheckpointedAppender}: the owner checkpoints {@link #flushedPosition}
 * (parts rolled, active file's length) and a restore puts the files back at that position — a part
 * rolled after the checkpoint becomes the active file again, later parts go, and the active file is
 * cut to its length — so the replayed lines are written once.
 */
public final class RollingAppender implements AutoCloseable {

    /**
     * When the active file rolls and how many rolled parts stay.
     *
     * @param maxBytes the active file rolls once it holds at least this many bytes; {@link Long#MAX_VALUE}: never
     * @param keepParts rolled parts kept, the newest; 0: every part
     */
    public record Policy(long maxBytes, int keepParts) implements Serializable {
        public Policy {
            if (maxBytes < 1 || keepParts < 0) {
                throw new IllegalArgumentException("a rolling file needs maxBytes >= 1 and keepParts >= 0, got "
                        + maxBytes + " and " + keepParts);
            }
        }

        /** One file that never rolls. */
        public static Policy never() {
            return new Policy(Long.MAX_VALUE, 0);
        }
    }

    /** Where the files stand: parts rolled so far, and the active file's length. */
    public record Position(long rolled, long length) {}

    private final Path file;
    private final Policy policy;
    private final String header;
    /** The file's name before and from its extension's dot ({@code predictions}, {@code .jsonl}). */
    private final String stem;
    private final String extension;
    private CheckpointedAppender active;
    private long rolled;
    /** Bytes in the active file, counted as lines are written (UTF-8 length of each line and its break). */
    private long activeBytes;

    private RollingAppender(Path file, Policy policy, String header) {
        this.file = file;
        this.policy = policy;
        this.header = header;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.stem = dot > 0 ? name.substring(0, dot) : name;
        this.extension = dot > 0 ? name.substring(dot) : "";
    }

    /**
     * Opens {@code file} for appending.
     *
     * @param restored the position recorded at the checkpoint restored from, or null for a fresh
     *     start (the active file is emptied and every rolled part deleted)
     * @param header every file's first line, or null for none
     */
    public static RollingAppender open(Path file, Policy policy, Position restored, String header)
            throws IOException {
        RollingAppender appender = new RollingAppender(file, policy, header);
        long length = -1;
        if (restored != null) {
            appender.rolled = restored.rolled();
            length = restored.length();
            Path rolledLater = appender.part(appender.rolled + 1);
            if (Files.exists(rolledLater)) {
                // rolled after the checkpoint: the active file then is this part now
                Files.move(rolledLater, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        appender.deletePartsAbove(appender.rolled);
        appender.active = CheckpointedAppender.open(file, length, header);
        appender.activeBytes = appender.active.flushedLength();
        return appender;
    }

    public void line(String text) throws IOException {
        active.line(text);
        if (policy.maxBytes() == Long.MAX_VALUE) {
            return; // never rolls: no need to count
        }
        activeBytes += utf8Length(text) + 1;
        if (activeBytes >= policy.maxBytes()) {
            roll();
        }
    }

    private void roll() throws IOException {
        active.close();
        rolled++;
        Files.move(file, part(rolled), StandardCopyOption.REPLACE_EXISTING);
        if (policy.keepParts() > 0) {
            Files.deleteIfExists(part(rolled - policy.keepParts()));
        }
        active = CheckpointedAppender.open(file, -1, header);
        activeBytes = active.flushedLength();
    }

    /** Flushes and returns the position to checkpoint. */
    public Position flushedPosition() throws IOException {
        return new Position(rolled, active.flushedLength());
    }

    /** The name of rolled part {@code n} (1-based): the active file's with the number before its extension. */
    private Path part(long n) {
        return file.resolveSibling(stem + "." + String.format(Locale.ROOT, "%06d", n) + extension);
    }

    /** Deletes the rolled parts numbered above {@code n} (written after the position restored). */
    private void deletePartsAbove(long n) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Pattern parts = Pattern.compile(Pattern.quote(stem) + "\\.(\\d{6,})" + Pattern.quote(extension));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = parts.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > n) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        if (active != null) {
            active.close();
        }
    }
}
