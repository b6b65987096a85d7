package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which versions keep their files, as versions are written and checkpoints taken and completed. */
class VersionRetentionTest {

    @Test
    void keepEveryVersion_deletesNothing() {
        VersionRetention retention = new VersionRetention(VersionRetention.Policy.keepEveryVersion(), 1);
        for (long v = 1; v <= 100; v++) {
            assertThat(retention.written(v)).isEmpty();
        }
    }

    @Test
    void keepLastOnly_deletesEachVersionAsItLeavesTheNewest() {
        VersionRetention retention = new VersionRetention(new VersionRetention.Policy(2, 0), 1);
        List<Long> deleted = new ArrayList<>();
        for (long v = 0; v <= 5; v++) {
            deleted.addAll(retention.written(v));
        }
        assertThat(deleted).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void twoRetainedCheckpoints_holdTheirVersionsUntilTwoLaterOnesComplete() {
        VersionRetention retention = new VersionRetention(new VersionRetention.Policy(1, 0), 2);
        retention.written(1);
        retention.checkpointTaken(10); // holds 1
        assertThat(retention.written(2)).isEmpty();
        retention.checkpointTaken(11); // holds 2
        assertThat(retention.written(3)).isEmpty();
        assertThat(retention.checkpointCompleted(10)).isEmpty();
        assertThat(retention.checkpointCompleted(11)).isEmpty(); // 1 and 2 both retained
        retention.checkpointTaken(12); // holds 3
        assertThat(retention.checkpointCompleted(12)).containsExactly(1L);
        assertThat(retention.written(4)).isEmpty(); // 3 held by checkpoint 12
        retention.checkpointTaken(13);
        assertThat(retention.checkpointCompleted(13)).containsExactly(2L);
    }

    @Test
    void aCompletedCheckpoint_subsumesTheOnesTakenBeforeIt() {
        VersionRetention retention = new VersionRetention(new VersionRetention.Policy(1, 0), 1);
        retention.written(1);
        retention.checkpointTaken(1); // never completes
        retention.written(2);
        retention.checkpointTaken(2);
        assertThat(retention.written(3)).isEmpty();
        assertThat(retention.checkpointCompleted(2)).containsExactly(1L);
        assertThat(retention.keeps(2, 3)).isTrue();
    }

    @Test
    void notKept_ofWhatIsOnDisk() {
        VersionRetention retention = new VersionRetention(new VersionRetention.Policy(2, 3), 1);
        retention.written(7);
        assertThat(retention.notKept(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), 7)).containsExactly(1L, 2L, 4L, 5L);
    }

    @Test
    void negativeCounts_areRefused() {
        assertThatThrownBy(() -> new VersionRetention.Policy(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
