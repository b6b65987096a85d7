package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link VersionLineage}: the parents of versions and what is emitted, across restores. */
class VersionLineageTest {

    @Test
    void written_eachNewVersionsParentIsTheOneBefore_aRepeatedVersionKeepsItsOwn() {
        VersionLineage lineage = VersionLineage.restore(List.of());
        assertThat(lineage.state()).isEmpty();

        lineage.written(1, "a");
        assertThat(lineage.parent()).isNull();
        lineage.written(2, "a");
        lineage.written(2, "b");

        assertThat(lineage.parent()).containsEntry("version", 1L).containsEntry("jobId", "a");
        assertThat(lineage.state()).containsExactly("2", "a", "1", "a", "-1");
        assertThat(lineage.lastWrittenByOtherThan("b")).isTrue();
        assertThat(lineage.lastWrittenByOtherThan("a")).isFalse();
    }

    @Test
    void emit_onlyVersionsNewerThanEveryOneEmitted_alsoAfterARestore() {
        VersionLineage lineage = VersionLineage.restore(List.of("3", "a", "2", "", "3"));

        assertThat(lineage.emit(3)).isFalse();
        assertThat(lineage.emit(4)).isTrue();
        assertThat(lineage.emit(4)).isFalse();
        assertThat(lineage.state()).containsExactly("3", "a", "2", "", "4");
    }

    @Test
    void restore_stateFromBeforeModelTopics_takesEveryVersionUpToTheLastAsEmitted() {
        VersionLineage lineage = VersionLineage.restore(List.of("7", "a", "6", "a"));

        assertThat(lineage.emit(7)).isFalse();
        assertThat(lineage.state()).containsExactly("7", "a", "6", "a", "7");
    }
}
