package org.fedflink.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends text lines to a local file so that, together with a checkpointed offset, the file holds
 * every line exactly once across failures: the owner checkpoints {@link #flushedLength()} and,
 * after a restore, {@link #open} truncates the file to that length before appending again, which
 * drops the lines written after the checkpoint (they are replayed).
 */
public final class CheckpointedAppender implements AutoCloseable {

    private final Path file;
    private FileChannel channel;
    private BufferedWriter writer;

    private CheckpointedAppender(Path file) {
        this.file = file;
    }

    /**
     * Opens {@code file} for appending.
     *
     * @param restoredLength the length recorded at the checkpoint restored from, or -1 for a
     *     fresh start (the file is then emptied)
     */
    public static CheckpointedAppender open(Path file, long restoredLength, String header) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        CheckpointedAppender appender = new CheckpointedAppender(file);
        appender.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        appender.channel.truncate(Math.max(restoredLength, 0));
        appender.channel.position(appender.channel.size());
        appender.writer = new BufferedWriter(
                new OutputStreamWriter(java.nio.channels.Channels.newOutputStream(appender.channel), StandardCharsets.UTF_8));
        if (restoredLength <= 0 && header != null) {
            appender.line(header);
        }
        return appender;
    }

    public void line(String text) throws IOException {
        writer.write(text);
        writer.write('\n');
    }

    /** Flushes and returns the file length, to be checkpointed. */
    public long flushedLength() throws IOException {
        writer.flush();
        return channel.size();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }
}
