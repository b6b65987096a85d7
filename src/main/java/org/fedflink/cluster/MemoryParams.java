package org.fedflink.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The memory settings a JobManager or TaskManager starts with, computed from the cluster's
 * configuration by Flink's own {@code BashJavaUtils}, exactly as Flink's shell scripts do, so that
 * the memory options of {@code flink-conf/cluster/config.yaml} mean what Flink's documentation says.
 *
 * @param jvmFlags the JVM's flags ({@code -Xmx}, {@code -Xms}, {@code -XX:MaxDirectMemorySize}, ...)
 * @param dynamicConfigs the {@code -D key=value} pairs that pass the derived memory sizes to the process
 */
record MemoryParams(List<String> jvmFlags, List<String> dynamicConfigs) {

    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    static final String JOBMANAGER = "GET_JM_RESOURCE_PARAMS";
    static final String TASKMANAGER = "GET_TM_RESOURCE_PARAMS";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /**
     * Runs {@code BashJavaUtils command} on the layout's configuration.
     *
     * @param command {@link #JOBMANAGER} or {@link #TASKMANAGER}
     */
    static MemoryParams compute(ClusterLayout layout, String classpath, String command) throws ClusterException {
        List<String> cmd = new ArrayList<>(List.of(LocalProcesses.java(), "-Xmx128m",
                "-Dlog.file=" + layout.logDir().resolve("bash-java-utils.log"),
                "-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j.properties").toUri(),
                "-cp", classpath, BASH_JAVA_UTILS, command, "--configDir", layout.confDir().toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ClusterException("flink's BashJavaUtils " + command + " failed: "
                        + output.lines().reduce((a, b) -> b).orElse("no output") + " (see " + layout.logDir() + ")");
            }
            List<String> results = output.lines().filter(l -> l.startsWith(RESULT_PREFIX))
                    .map(l -> l.substring(RESULT_PREFIX.length()).trim()).toList();
            if (results.size() < 2) {
                throw new ClusterException("flink's BashJavaUtils " + command + " printed no memory settings: "
                        + output.lines().reduce((a, b) -> b).orElse(""));
            }
            return new MemoryParams(words(results.get(results.size() - 2)), words(results.get(results.size() - 1)));
        } catch (IOException e) {
            throw new ClusterException("cannot run flink's BashJavaUtils: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while computing the memory settings");
        }
    }

    private static List<String> words(String line) {
        return Arrays.stream(line.split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
