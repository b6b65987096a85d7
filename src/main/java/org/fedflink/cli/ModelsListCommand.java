package org.fedflink.cli;

import static org.fedflink.cli.ModelMetadata.JSON;
import static org.fedflink.cli.ModelMetadata.fmt;
import static org.fedflink.cli.ModelMetadata.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fedflink.versions.SavepointModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code models list}: the model versions of every savepoint and checkpoint under a folder. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the model versions held by savepoints and checkpoints: version, time, samples,"
                + " sources, rounds, prequential accuracy, checksum, the job that made it and its parent.")
final class ModelsListCommand extends ModelsOptions implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "SAVEPOINT", description = "Savepoints, checkpoints or folders of them.")
    List<Path> paths;

    @Option(names = "--json", description = "One JSON object per version instead of a table.")
    boolean asJson;

    @Override
    public Integer call() {
        try {
            List<Path> snapshots = new ArrayList<>();
            for (Path p : paths) {
                List<Path> found = SavepointModels.snapshots(p);
                if (found.isEmpty()) {
                    throw new IllegalArgumentException(p + " is not a savepoint or checkpoint and holds none");
                }
                snapshots.addAll(found);
            }
            if (!asJson) {
                out().printf(Locale.ROOT, "%-9s %-20s %12s %8s %8s %9s %-14s %-8s %-12s %s%n", "version", "created",
                        "samples", "sources", "rounds", "preq.acc", "checksum", "job", "parent", "snapshot");
            }
            for (Path snapshot : snapshots) {
                SavepointModels.Version v = read(snapshot);
                if (asJson) {
                    out().println(new ObjectMapper().writeValueAsString(metadata(snapshot, v)));
                    continue;
                }
                String parent = v.version() > 1
                        ? "v" + (v.version() - 1) + (v.parentJobId() == null ? "" : "@" + shortId(v.parentJobId()))
                        : "-";
                out().printf(Locale.ROOT, "%-9s %-20s %12d %8d %8d %9s %-14s %-8s %-12s %s%n",
                        "v" + v.version() + (v.consistent() ? "" : "*"),
                        v.createdMillis() == 0 ? "-" : Instant.ofEpochMilli(v.createdMillis()).toString().substring(0, 19),
                        v.samplesInModel(), v.sourcesInModel(), v.rounds(), fmt(v.prequentialAccuracy()),
                        v.checksum().substring(6), shortId(v.jobId()), parent, snapshot);
            }
            out().flush();
            return 0;
        } catch (Exception e) {
            return fail(e);
        }
    }

    private static String shortId(String jobId) {
        return jobId == null ? "-" : jobId.substring(0, Math.min(8, jobId.length()));
    }
}
