package org.fedflink.cli;

import static org.fedflink.cli.ModelMetadata.JSON;
import static org.fedflink.cli.ModelMetadata.finite;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedflink.versions.SavepointModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code models diff}: how two savepoints' versions differ. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Compares the model versions two savepoints hold: parameter distance (L2, relative L2, largest"
                + " change, cosine similarity) and the change of version, samples and prequential metrics.")
final class ModelsDiffCommand extends ModelsOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SAVEPOINT1")
    Path first;

    @Parameters(index = "1", paramLabel = "SAVEPOINT2")
    Path second;

    @Override
    public Integer call() {
        try {
            SavepointModels.Version a = read(first);
            SavepointModels.Version b = read(second);
            if (a.params().length != b.params().length || a.model().type() != b.model().type()) {
                throw new IllegalArgumentException("the savepoints hold different models ("
                        + a.model().type() + " with " + a.params().length + " parameters, "
                        + b.model().type() + " with " + b.params().length + ")");
            }
            out().println(JSON.writeValueAsString(diff(a, b)));
            out().flush();
            return 0;
        } catch (Exception e) {
            return fail(e);
        }
    }

    static Map<String, Object> diff(SavepointModels.Version a, SavepointModels.Version b) {
        double dd = 0;
        double aa = 0;
        double bb = 0;
        double ab = 0;
        double largest = 0;
        int largestAt = -1;
        for (int i = 0; i < a.params().length; i++) {
            double x = a.params()[i];
            double y = b.params()[i];
            dd += (y - x) * (y - x);
            aa += x * x;
            bb += y * y;
            ab += x * y;
            if (Math.abs(y - x) > largest) {
                largest = Math.abs(y - x);
                largestAt = i;
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("versions", List.of(a.version(), b.version()));
        d.put("jobIds", java.util.Arrays.asList(a.jobId(), b.jobId()));
        d.put("l2Distance", Math.sqrt(dd));
        d.put("relativeL2Distance", aa > 0 ? Math.sqrt(dd / aa) : null);
        d.put("largestChange", largest);
        d.put("largestChangeAt", largestAt);
        d.put("cosineSimilarity", aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : null);
        d.put("samplesInModelChange", b.samplesInModel() - a.samplesInModel());
        d.put("roundsChange", b.rounds() - a.rounds());
        d.put("prequentialAccuracyChange", finite(b.prequentialAccuracy() - a.prequentialAccuracy()));
        d.put("prequentialLossChange", finite(b.prequentialLoss() - a.prequentialLoss()));
        d.put("sameParameters", a.checksum().equals(b.checksum()) && dd == 0);
        return d;
    }
}
