package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Loop}: the uids savepoints are keyed by must stay what earlier builds wrote. */
class LoopTest {

    @Test
    void uids_areTheOnesEarlierBuildsWrote() {
        assertThat(Loop.of(null).aggregatorUid()).isEqualTo("global-aggregator");
        assertThat(Loop.baselineOf(null).aggregatorUid()).isEqualTo("baseline-global-aggregator");
        assertThat(Loop.of("spam").aggregatorUid()).isEqualTo("spam/global-aggregator");
        assertThat(Loop.baselineOf("spam").aggregatorUid()).isEqualTo("spam/baseline-global-aggregator");
        assertThat(Loop.baselineOf("spam").uidPrefix() + StateDescriptors.UID_TRAINER)
                .isEqualTo("spam/baseline-local-trainer");
    }

    @Test
    void named_ofName_isTheSameLoop() {
        for (Loop loop : List.of(Loop.of(null), Loop.baselineOf(null), Loop.of("spam"), Loop.baselineOf("spam"))) {
            assertThat(Loop.named(loop.name())).isEqualTo(loop);
        }
        assertThat(Loop.baselineOf("spam").name()).isEqualTo("spam/baseline");
        assertThat(Loop.baselineOf(null).name()).isEqualTo("baseline");
        assertThat(Loop.of(null).name()).isEmpty();
    }

    @Test
    void dir_ofABaseline_isItsFolderInTheTasks() {
        Path task = Path.of("run", "tasks", "spam");

        assertThat(Loop.of("spam").dir(task)).isEqualTo(task);
        assertThat(Loop.baselineOf("spam").dir(task)).isEqualTo(task.resolve("baseline"));
    }
}
