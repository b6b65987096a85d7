package org.fedflink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyGroupCursor}: the subtasks of a keyed operator together take every position once, each
 * its own key groups' in order, and a checkpoint of their positions restores exactly once under
 * another parallelism.
 */
class KeyGroupCursorTest {

    private static final int MAX_PARALLELISM = 128;
    private static final int SIZE = 5_000;

    /** Position {@code i}'s source is {@code i % 37}; its key group is that source's, of 128. */
    private static final class Numbered implements RecordSequence<Long> {
        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public void open(MetricGroup metrics) {}

        @Override
        public int groupOf(long position, int groups) {
            return (int) (position % 37) % groups;
        }

        @Override
        public boolean knowsSources() {
            return true;
        }

        @Override
        public int keyGroupOf(long position, int maxParallelism) {
            return KeyGroupRangeAssignment.assignToKeyGroup("s" + position % 37, maxParallelism);
        }

        @Override
        public Long read(long position) {
            return position;
        }

        @Override
        public long timestamp(Long record) {
            return NO_TIMESTAMP;
        }

        @Override
        public void close() {}
    }

    private static KeyGroupCursor cursor(int parallelism, int subtask, Iterable<long[]> restored) {
        KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                MAX_PARALLELISM, parallelism, subtask);
        return new KeyGroupCursor(new Numbered(), MAX_PARALLELISM, range.getStartKeyGroup(), range.getEndKeyGroup(),
                restored);
    }

    /** Takes up to {@code count} positions (all when negative), checking each is the subtask's and after the last. */
    private static List<Long> take(KeyGroupCursor cursor, int parallelism, int subtask, int count) {
        List<Long> taken = new ArrayList<>();
        while (count < 0 || taken.size() < count) {
            long p = cursor.next();
            if (p < 0) {
                break;
            }
            assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator("s" + p % 37, MAX_PARALLELISM, parallelism))
                    .isEqualTo(subtask);
            assertThat(taken.isEmpty() || p > taken.get(taken.size() - 1)).isTrue();
            taken.add(p);
        }
        return taken;
    }

    @Test
    void subtasksTakeEveryPositionOnce_eachTheSourcesKeyByWouldSendIt() {
        List<Long> all = new ArrayList<>();
        for (int subtask = 0; subtask < 3; subtask++) {
            KeyGroupCursor c = cursor(3, subtask, List.of());
            List<Long> taken = take(c, 3, subtask, -1);
            assertThat(taken).isNotEmpty();
            assertThat(c.ended()).isTrue();
            assertThat(c.next()).isEqualTo(-1);
            all.addAll(taken);
        }
        assertThat(all).hasSize(SIZE).doesNotHaveDuplicates();
    }

    @Test
    void positionsRestoredUnderAnotherParallelism_continueExactlyOnce() {
        // two subtasks take different amounts, then a checkpoint of both restores into three
        List<Long> before = new ArrayList<>();
        List<long[]> checkpoint = new ArrayList<>();
        int[] counts = {700, 150};
        for (int subtask = 0; subtask < 2; subtask++) {
            KeyGroupCursor c = cursor(2, subtask, List.of());
            before.addAll(take(c, 2, subtask, counts[subtask]));
            checkpoint.addAll(c.positions());
        }
        assertThat(checkpoint).hasSize(MAX_PARALLELISM);
        List<Long> after = new ArrayList<>();
        for (int subtask = 0; subtask < 3; subtask++) {
            after.addAll(take(cursor(3, subtask, checkpoint), 3, subtask, -1));
        }
        List<Long> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).hasSize(SIZE).doesNotHaveDuplicates();
        assertThat(before).hasSize(850);
    }

    @Test
    void aCursorAtTheEnd_restoresAtTheEnd() {
        KeyGroupCursor c = cursor(1, 0, List.of());
        take(c, 1, 0, -1);
        KeyGroupCursor restored = cursor(1, 0, c.positions());
        assertThat(restored.next()).isEqualTo(-1);
        assertThat(restored.ended()).isTrue();
    }

    @Test
    void aRangeOutsideTheKeyGroups_isRefused() {
        assertThatThrownBy(() -> new KeyGroupCursor(new Numbered(), MAX_PARALLELISM, 100, 128, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[100, 128]");
    }
}
