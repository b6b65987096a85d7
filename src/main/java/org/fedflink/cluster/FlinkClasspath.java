package org.fedflink.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The classpath of the cluster's processes: what a Flink distribution's {@code lib/} holds, as the
 * Maven artifacts of {@code flink-conf/cluster/flink-lib.pom.xml}. There is no Flink tarball on
 * these machines, so Maven resolves that pom once ({@code dependency:build-classpath}) and the
 * result is cached in {@code target/flink-lib-classpath.txt} until the pom changes.
 */
public final class FlinkClasspath {

    static final String POM = "flink-conf/cluster/flink-lib.pom.xml";
    static final String CACHE = "target/flink-lib-classpath.txt";
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

    private FlinkClasspath() {}

    /** The classpath (entries joined by the path separator), resolving it when the cache is missing or stale. */
    public static String resolve(Path home) throws ClusterException {
        return resolve(home, POM, CACHE, "Flink");
    }

    /**
     * The runtime classpath of another small pom of the project (the Kafka broker's), resolved and
     * cached the same way.
     *
     * @param pomPath the pom, relative to {@code home}
     * @param cachePath the cache file, relative to {@code home}; its {@code .log} sibling keeps Maven's output
     * @param what what the classpath is of, for messages ("Kafka broker")
     */
    public static String resolve(Path home, String pomPath, String cachePath, String what) throws ClusterException {
        Path pom = home.resolve(pomPath);
        Path cache = home.resolve(cachePath);
        if (!Files.exists(pom)) {
            throw new ClusterException("missing " + pom + " (the " + what + " artifacts)");
        }
        try {
            if (!Files.exists(cache) || olderThan(cache, pom)) {
                Files.createDirectories(cache.getParent());
                Path log = cache.resolveSibling(cache.getFileName().toString().replaceFirst("\\.txt$", "") + ".log");
                Process mvn = new ProcessBuilder("mvn", "-q", "-B", "-f", pom.toString(),
                        DEPENDENCY_PLUGIN + ":build-classpath",
                        "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + cache)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!mvn.waitFor(10, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
                    mvn.destroy();
                    Files.deleteIfExists(cache);
                    throw new ClusterException("could not resolve the " + what + " classpath from " + pom
                            + " with Maven; see " + log);
                }
            }
            String text = Files.readString(cache, StandardCharsets.UTF_8).trim();
            // Test jars carry a log4j2-test.properties that would override the cluster's logging.
            List<String> entries = Arrays.stream(text.split(File.pathSeparator))
                    .filter(e -> !e.isBlank() && !e.endsWith("-tests.jar"))
                    .collect(Collectors.toList());
            if (entries.isEmpty()) {
                throw new ClusterException("the " + what + " classpath in " + cache + " is empty; delete it and retry");
            }
            return String.join(File.pathSeparator, entries);
        } catch (IOException e) {
            throw new ClusterException("could not resolve the " + what + " classpath: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while resolving the " + what + " classpath");
        }
    }

    private static boolean olderThan(Path a, Path b) throws IOException {
        FileTime ta = Files.getLastModifiedTime(a);
        return ta.compareTo(Files.getLastModifiedTime(b)) < 0;
    }
}
