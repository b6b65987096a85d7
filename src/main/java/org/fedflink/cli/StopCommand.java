package org.fedflink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.FlinkRest;
import org.fedflink.cluster.SubmittedJobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedflink stop JOB_ID --savepoint [DIR]}: stops a cluster job, keeping its state in a savepoint. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stops a job on the cluster. With --savepoint, Flink takes a savepoint and then stops the job"
                + " (stop-with-savepoint, no drain: the input does not end), and the savepoint's path is printed;"
                + " `bin/fedflink resume JOB.yaml --from PATH` continues from it. Without --savepoint the job is"
                + " cancelled (its retained checkpoints stay in the run folder).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (savepoint path printed)", "1:the savepoint or the stop failed"})
public final class StopCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job id (bin/fedflink cluster status lists them).")
    String jobId;

    @Option(names = "--savepoint", arity = "0..1", fallbackValue = "", paramLabel = "DIR",
            description = "Take a savepoint first, into DIR (default: the run folder's savepoints/ for a job submitted"
                    + " to the local cluster, else the cluster's execution.checkpointing.savepoint-dir).")
    String savepoint;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the savepoint (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    ClusterTarget target = new ClusterTarget();

    @Override
    public Integer call() throws Exception {
        FlinkRest rest;
        try {
            rest = target.rest();
        } catch (ClusterException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        try {
            if (savepoint == null) {
                rest.patch("/jobs/" + jobId + "?mode=cancel");
                System.out.println("cancelled job " + jobId);
                return 0;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("drain", false).put("formatType", "CANONICAL");
            String directory = savepoint;
            if (directory.isEmpty() && target.folder() != null) {
                // the run folder's savepoints/ (Flink's default would be the cluster's savepoint directory)
                directory = new SubmittedJobs(target.folder()).runFolder(jobId)
                        .map(run -> run.resolve("savepoints").toString()).orElse("");
            }
            if (!directory.isEmpty()) {
                body.put("targetDirectory", directory.contains("://") ? directory
                        : Path.of(directory).toAbsolutePath().normalize().toUri().toString());
            }
            String trigger = rest.post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
            long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
            while (System.currentTimeMillis() < deadline) {
                // A stop-with-savepoint ends the job (FINISHED) right after its savepoint completes, so
                // the job's state is read first and the savepoint's status after it: a terminal state
                // seen before a status that is still pending means the savepoint never came.
                String state = rest.jobState(jobId);
                JsonNode status = rest.get("/jobs/" + jobId + "/savepoints/" + trigger);
                if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                    JsonNode operation = status.path("operation");
                    if (operation.hasNonNull("location")) {
                        System.out.println(operation.path("location").asText().replaceFirst("^file:", ""));
                        return 0;
                    }
                    System.err.println("error: the savepoint of job " + jobId + " failed: "
                            + firstLine(operation.path("failure-cause").path("stack-trace").asText(
                                    operation.path("failure-cause").toString())));
                    return 1;
                }
                // a bounded job may reach its end while the savepoint is pending: then none comes
                if (java.util.Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                    System.err.println("error: job " + jobId + " ended (" + state + ") before its savepoint"
                            + " completed; no savepoint was taken");
                    return 1;
                }
                Thread.sleep(500);
            }
            System.err.println("error: the savepoint of job " + jobId + " did not complete within " + timeoutSeconds + " s");
            return 1;
        } catch (IOException e) {
            System.err.println("error: " + notRunning(rest).orElse(e.getMessage()));
            return 1;
        }
    }

    /** "job X already ended (FINISHED)" when that is why the stop failed. */
    private java.util.Optional<String> notRunning(FlinkRest rest) {
        try {
            String state = rest.jobState(jobId);
            return java.util.Set.of("FINISHED", "FAILED", "CANCELED").contains(state)
                    ? java.util.Optional.of("job " + jobId + " already ended (" + state + "); there is nothing to stop")
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
