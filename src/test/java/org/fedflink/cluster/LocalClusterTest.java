package org.fedflink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local cluster decides without starting Flink: its layout, and what it refuses to touch. */
class LocalClusterTest {

    @TempDir
    Path tmp;

    @Test
    void layout_namesMembersInStartOrderAndGivesTheStandbyTheNextRestPort() throws Exception {
        ClusterLayout ha = ClusterLayout.builder(tmp).ha(true).taskManagers(3).restPort(9000).build();
        assertThat(ha.members()).containsExactly(
                "zookeeper", "jobmanager-1", "jobmanager-2", "taskmanager-1", "taskmanager-2", "taskmanager-3");
        assertThat(ha.restUrls()).extracting(Object::toString)
                .containsExactly("http://127.0.0.1:9000", "http://127.0.0.1:9001");

        ClusterLayout plain = ClusterLayout.builder(tmp).build();
        assertThat(plain.members()).containsExactly("jobmanager-1", "taskmanager-1", "taskmanager-2");
        assertThat(plain.restUrls()).extracting(Object::toString).containsExactly("http://127.0.0.1:8081");
    }

    @Test
    void layout_roundTripsThroughClusterJson() throws Exception {
        ClusterLayout layout = ClusterLayout.builder(tmp).ha(true).taskManagers(4).slots(3)
                .restPort(18081).rpcPort(16123).zkPort(12181).build();
        layout.save();
        assertThat(ClusterLayout.load(tmp)).isEqualTo(layout);
    }

    @Test
    void layout_withoutClusterJson_saysHowToStartOne() {
        assertThatThrownBy(() -> ClusterLayout.load(tmp.resolve("none")))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("no cluster was started in")
                .hasMessageContaining("bin/fedflink cluster start");
    }

    @Test
    void layout_rejectsNonsense() {
        assertThatThrownBy(() -> ClusterLayout.builder(tmp).taskManagers(0).build())
                .hasMessage("taskmanagers must be at least 1, got 0");
        assertThatThrownBy(() -> ClusterLayout.builder(tmp).restPort(70000).build())
                .hasMessage("port must be within 1..65534, got 70000");
    }

    @Test
    void stop_leavesAProcessAlone_whosePidFileItDidNotWrite() throws Exception {
        // A pid file pointing at a process that is not one of this cluster's members (a reused pid,
        // or a file copied from elsewhere): stop must not signal it.
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            ClusterLayout layout = ClusterLayout.builder(tmp).build();
            Files.createDirectories(layout.pidDir());
            Files.writeString(layout.pidFile("taskmanager-1"), stranger.pid() + "\n");
            LocalCluster cluster = new LocalCluster(tmp, layout, null);

            assertThat(cluster.pidOf("taskmanager-1")).isEmpty();
            assertThat(cluster.stop()).isEmpty();
            assertThat(stranger.waitFor(1, TimeUnit.SECONDS)).as("the stranger still runs").isFalse();
            assertThat(layout.pidFile("taskmanager-1")).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void start_onABusyPort_failsAtOnceNamingThePortAndTheOption() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ClusterLayout layout = ClusterLayout.builder(tmp.resolve("c")).restPort(busy.getLocalPort()).build();
            assertThatThrownBy(() -> new LocalCluster(tmp, layout, null).start(Duration.ofSeconds(5)))
                    .isInstanceOf(ClusterException.class)
                    .hasMessage("port " + busy.getLocalPort() + ", the REST port of jobmanager-1 (--port), is in use;"
                            + " choose another");
        }
    }
}
