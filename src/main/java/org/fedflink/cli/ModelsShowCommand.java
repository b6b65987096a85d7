package org.fedflink.cli;

import static org.fedflink.cli.ModelMetadata.JSON;
import static org.fedflink.cli.ModelMetadata.metadata;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code models show}: the metadata of the version a savepoint holds. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Prints the metadata of the model version a savepoint holds, as JSON.")
final class ModelsShowCommand extends ModelsOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SAVEPOINT")
    Path snapshot;

    @Override
    public Integer call() {
        try {
            out().println(JSON.writeValueAsString(metadata(snapshot, read(snapshot))));
            out().flush();
            return 0;
        } catch (Exception e) {
            return fail(e);
        }
    }
}
