package org.fedflink.cli;

import static org.fedflink.cli.ModelMetadata.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.versions.SavepointModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code models export}: a savepoint's version as model files a run folder would hold. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the model version a savepoint holds: json (metadata and parameters) or csv (for"
                + " linear models one row per output: weights then bias; for an MLP one row per parameter).")
final class ModelsExportCommand extends ModelsOptions implements Callable<Integer> {
    enum Format { json, csv }

    @Parameters(index = "0", paramLabel = "SAVEPOINT")
    Path snapshot;

    @Option(names = "--format", defaultValue = "json", description = "json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: standard output).")
    Path outFile;

    @Override
    public Integer call() {
        try {
            SavepointModels.Version v = read(snapshot);
            String text = format == Format.json ? json(v) : csv(v);
            if (outFile == null) {
                out().print(text);
                out().flush();
            } else {
                Files.writeString(outFile, text);
                out().println(outFile);
                out().flush();
            }
            return 0;
        } catch (Exception e) {
            return fail(e);
        }
    }

    private String json(SavepointModels.Version v) throws Exception {
        Map<String, Object> meta = metadata(snapshot, v);
        meta.put("params", v.params());
        return new ObjectMapper().writeValueAsString(meta) + "\n";
    }

    private static String csv(SavepointModels.Version v) {
        StringBuilder s = new StringBuilder();
        float[] p = v.params();
        ModelSpec m = v.model();
        if (m.type() == ModelType.MLP) {
            s.append("index,value\n");
            for (int i = 0; i < p.length; i++) {
                s.append(i).append(',').append(p[i]).append('\n');
            }
            return s.toString();
        }
        int width = m.features() + 1;
        s.append("output");
        for (int j = 0; j < m.features(); j++) {
            s.append(",w").append(j);
        }
        s.append(",bias\n");
        for (int row = 0; row < p.length / width; row++) {
            s.append(row);
            for (int j = 0; j < width; j++) {
                s.append(',').append(p[row * width + j]);
            }
            s.append('\n');
        }
        return s.toString();
    }
}
