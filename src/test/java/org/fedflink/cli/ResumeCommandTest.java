package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.fedflink.config.JobSpecException;
import org.junit.jupiter.api.Test;

/** Where {@code resume} continues when no {@code --out} is given. */
class ResumeCommandTest {

    @Test
    void aSavepointInARunFolder_resumesIntoThatRunFolder() throws Exception {
        assertThat(ResumeCommand.runFolderOf("/data/runs/q1/savepoints/savepoint-0aa01b-160072a8f753"))
                .isEqualTo(Path.of("/data/runs/q1"));
        assertThat(ResumeCommand.runFolderOf("file:/data/runs/q1/savepoints/savepoint-0aa01b-160072a8f753/_metadata"))
                .isEqualTo(Path.of("/data/runs/q1"));
        assertThat(ResumeCommand.runFolderOf("/data/runs/q1/checkpoints/3e5f970e35708cf48c65c295ef69b315/chk-12"))
                .isEqualTo(Path.of("/data/runs/q1"));
    }

    @Test
    void aSavepointElsewhere_needsOut() {
        assertThatThrownBy(() -> ResumeCommand.runFolderOf("/backups/savepoint-1"))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("savepoint '/backups/savepoint-1' is not in a run folder's savepoints/ or checkpoints/;"
                        + " name the run folder with --out");
    }
}
