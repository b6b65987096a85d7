package org.fedflink.testing;

import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * The reader context of one source subtask, for driving a {@code SourceReader} by hand: it gives
 * the subtask's index and counts split requests; the runtime services the project's readers do
 * not use are not offered.
 */
public final class ReaderContexts implements SourceReaderContext {
    private final int subtask;
    private int splitRequests;

    private ReaderContexts(int subtask) {
        this.subtask = subtask;
    }

    public static ReaderContexts ofSubtask(int subtask) {
        return new ReaderContexts(subtask);
    }

    /** How many times the reader asked for a split. */
    public int splitRequests() {
        return splitRequests;
    }

    @Override
    public void sendSplitRequest() {
        splitRequests++;
    }

    @Override
    public int getIndexOfSubtask() {
        return subtask;
    }

    @Override
    public Configuration getConfiguration() {
        return new Configuration();
    }

    @Override
    public String getLocalHostName() {
        return "localhost";
    }

    @Override
    public SourceReaderMetricGroup metricGroup() {
        return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
    }

    @Override
    public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
        throw new UnsupportedOperationException("no coordinator behind a hand-driven reader");
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        throw new UnsupportedOperationException("no user code class loader in a hand-driven reader");
    }
}
