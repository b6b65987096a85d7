package org.fedflink.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.fedflink.testing.CollectingOutput;
import org.fedflink.testing.ReaderContexts;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderedSource}'s enumerator and reader driven by hand, as the runtime would: which reader
 * gets which group, that a reader emits its group's records in the sequence's order with their
 * event times, that a checkpoint taken mid-way restores to exactly the records not yet emitted, and
 * that a paused split yields to the others.
 */
class OrderedSourceTest {

    /** Position {@code i} is record {@code "s<i % SOURCES>#<i>"}: source {@code i % SOURCES}, event time {@code 10 i}. */
    private static final int SOURCES = 5;

    private static final class NumberedRecords implements RecordSequence<String> {
        private final long size;

        NumberedRecords(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void open(MetricGroup metrics) {}

        @Override
        public int groupOf(long position, int groups) {
            return (int) (position % SOURCES) % groups;
        }

        @Override
        public String read(long position) {
            return "s" + position % SOURCES + "#" + position;
        }

        @Override
        public long timestamp(String record) {
            long position = Long.parseLong(record.substring(record.indexOf('#') + 1));
            // every seventh record has no event time: it must be emitted without one
            return position % 7 == 6 ? NO_TIMESTAMP : 10 * position;
        }

        @Override
        public void close() {}
    }

    @Test
    void enumerator_readerPrefersItsOwnGroup_thenTakesTheRest_thenNoMoreSplits() throws Exception {
        OrderedSource<String> source = source(30, 3);
        EnumeratorContext context = new EnumeratorContext();
        SplitEnumerator<OrderedSplit, Collection<OrderedSplit>> enumerator = source.createEnumerator(context);

        enumerator.handleSplitRequest(2, "host");
        enumerator.handleSplitRequest(0, "host");
        Collection<OrderedSplit> checkpoint = enumerator.snapshotState(1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(0, "host");

        assertThat(context.assigned.get(2)).extracting(OrderedSplit::group).containsExactly(2);
        assertThat(context.assigned.get(0)).extracting(OrderedSplit::group).containsExactly(0, 1);
        assertThat(context.noMoreSplits).containsExactly(0);
        assertThat(checkpoint).extracting(OrderedSplit::group).containsExactly(1);

        EnumeratorContext restoredContext = new EnumeratorContext();
        SplitEnumerator<OrderedSplit, Collection<OrderedSplit>> restored = source.restoreEnumerator(restoredContext,
                source.getEnumeratorCheckpointSerializer().deserialize(
                        source.getEnumeratorCheckpointSerializer().getVersion(),
                        source.getEnumeratorCheckpointSerializer().serialize(checkpoint)));
        restored.handleSplitRequest(1, "host");
        assertThat(restoredContext.assigned.get(1)).containsExactlyElementsOf(checkpoint);
    }

    @Test
    void reader_emitsItsGroupsRecordsInOrder_withTheirEventTimes() throws Exception {
        OrderedSource<String> source = source(40, 2);
        SourceReader<String, OrderedSplit> reader = source.createReader(ReaderContexts.ofSubtask(1));
        CollectingOutput<String> output = new CollectingOutput<>();

        reader.start();
        reader.addSplits(List.of(OrderedSplit.of(1, 2, 40)));
        reader.notifyNoMoreSplits();
        drain(reader, output);

        List<String> expected = new ArrayList<>();
        for (long p = 0; p < 40; p++) {
            if ((p % SOURCES) % 2 == 1) {
                expected.add("s" + p % SOURCES + "#" + p);
            }
        }
        assertThat(output.records).containsExactlyElementsOf(expected);
        for (int i = 0; i < output.records.size(); i++) {
            long position = Long.parseLong(expected.get(i).substring(expected.get(i).indexOf('#') + 1));
            assertThat(output.timestamps.get(i))
                    .isEqualTo(position % 7 == 6 ? RecordSequence.NO_TIMESTAMP : 10 * position);
        }
    }

    @Test
    void reader_restoredFromAMidwayCheckpoint_emitsExactlyTheRest() throws Exception {
        OrderedSource<String> source = source(50, 1);
        SourceReader<String, OrderedSplit> first = source.createReader(ReaderContexts.ofSubtask(0));
        CollectingOutput<String> before = new CollectingOutput<>();
        first.start();
        first.addSplits(List.of(OrderedSplit.of(0, 1, 50)));
        for (int i = 0; i < 17; i++) {
            assertThat(first.pollNext(before)).isEqualTo(InputStatus.MORE_AVAILABLE);
        }
        List<OrderedSplit> checkpoint = first.snapshotState(1);
        first.pollNext(before); // emitted after the checkpoint: must be emitted again after restoring

        byte[] bytes = source.getSplitSerializer().serialize(checkpoint.get(0));
        OrderedSplit restoredSplit = source.getSplitSerializer().deserialize(source.getSplitSerializer().getVersion(),
                bytes);
        SourceReader<String, OrderedSplit> second = source.createReader(ReaderContexts.ofSubtask(0));
        CollectingOutput<String> after = new CollectingOutput<>();
        second.start();
        second.addSplits(List.of(restoredSplit));
        second.notifyNoMoreSplits();
        drain(second, after);

        List<String> all = new ArrayList<>(before.records.subList(0, 17));
        all.addAll(after.records);
        List<String> expected = new ArrayList<>();
        for (long p = 0; p < 50; p++) {
            expected.add("s" + p % SOURCES + "#" + p);
        }
        assertThat(all).containsExactlyElementsOf(expected);
    }

    @Test
    void reader_pausedSplit_yieldsToTheOthers_untilResumed() throws Exception {
        OrderedSource<String> source = source(20, 2);
        SourceReader<String, OrderedSplit> reader = source.createReader(ReaderContexts.ofSubtask(0));
        CollectingOutput<String> output = new CollectingOutput<>();
        reader.start();
        OrderedSplit groupZero = OrderedSplit.of(0, 2, 20);
        OrderedSplit groupOne = OrderedSplit.of(1, 2, 20);
        reader.addSplits(List.of(groupZero, groupOne));
        reader.notifyNoMoreSplits();

        reader.pauseOrResumeSplits(List.of(groupZero.splitId()), List.of());
        for (int i = 0; i < 4; i++) {
            reader.pollNext(output);
        }
        assertThat(output.records).allMatch(r -> sourceOf(r) % 2 == 1);

        reader.pauseOrResumeSplits(List.of(), List.of(groupZero.splitId()));
        drain(reader, output);
        assertThat(output.records).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void reader_withoutSplits_asksForOne_andEndsWhenToldThereAreNoMore() throws Exception {
        ReaderContexts context = ReaderContexts.ofSubtask(0);
        SourceReader<String, OrderedSplit> reader = source(10, 1).createReader(context);
        reader.start();
        CollectingOutput<String> output = new CollectingOutput<>();

        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(context.splitRequests()).isEqualTo(1);
        reader.notifyNoMoreSplits();
        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(output.records).isEmpty();
    }

    private static OrderedSource<String> source(long size, int groups) {
        return new OrderedSource<>(new NumberedRecords(size), groups, 0, Types.STRING);
    }

    private static int sourceOf(String record) {
        return Integer.parseInt(record.substring(1, record.indexOf('#')));
    }

    private static void drain(SourceReader<String, OrderedSplit> reader, CollectingOutput<String> output) throws Exception {
        InputStatus status;
        do {
            status = reader.pollNext(output);
        } while (status == InputStatus.MORE_AVAILABLE);
        assertThat(status).isEqualTo(InputStatus.END_OF_INPUT);
    }

    /** Records what the enumerator assigns; the runtime services it does not use are not offered. */
    private static final class EnumeratorContext implements SplitEnumeratorContext<OrderedSplit> {
        final Map<Integer, List<OrderedSplit>> assigned = new HashMap<>();
        final List<Integer> noMoreSplits = new ArrayList<>();

        @Override
        public void assignSplits(SplitsAssignment<OrderedSplit> assignment) {
            assignment.assignment().forEach((subtask, splits) ->
                    assigned.computeIfAbsent(subtask, s -> new ArrayList<>()).addAll(splits));
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            noMoreSplits.add(subtask);
        }

        @Override
        public int currentParallelism() {
            return 3;
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long delay, long period) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            throw new UnsupportedOperationException();
        }
    }
}
