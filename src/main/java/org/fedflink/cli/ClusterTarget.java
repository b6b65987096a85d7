package org.fedflink.cli;

import java.net.URI;
import java.nio.file.Path;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.ClusterLayout;
import org.fedflink.cluster.FlinkRest;
import picocli.CommandLine.Option;

/**
 * Which cluster a job command talks to: the local cluster of {@code bin/fedflink cluster start}
 * (its folder's {@code cluster.json} and {@code conf/config.yaml}), or any Flink 2.2 JobManager given
 * by its REST address.
 */
final class ClusterTarget {

    @Option(names = "--cluster", paramLabel = "DIR",
            description = "Folder of the local cluster (default: $FEDFLINK_CLUSTER_DIR or $FEDFLINK_HOME/cluster).")
    Path dir;

    @Option(names = "--jobmanager", paramLabel = "URL",
            description = "REST address of another Flink 2.2 cluster's JobManager, e.g. http://host:8081"
                    + " (instead of the local cluster; every TaskManager must reach the run folder's path).")
    URI jobManager;

    /** The local cluster's folder, or null with {@code --jobmanager}. */
    Path folder() {
        if (jobManager != null) {
            return null;
        }
        return (dir != null ? dir : ClusterCommand.defaultDir()).toAbsolutePath().normalize();
    }

    /** The Flink client configuration folder, or null with {@code --jobmanager}. */
    Path confDir() throws ClusterException {
        Path folder = folder();
        return folder == null ? null : ClusterLayout.load(folder).confDir();
    }

    /** A REST client of the target's JobManager(s). */
    FlinkRest rest() throws ClusterException {
        if (jobManager != null) {
            return FlinkRest.of(jobManager);
        }
        return new FlinkRest(ClusterLayout.load(folder()).restUrls());
    }
}
