package org.fedflink.pipeline;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.model.ModelSpec;

/** Reads a JSONL holdout file; a line that is not a valid example fails with its line number. */
final class HoldoutFile {
    private HoldoutFile() {}

    static List<Example> read(Path file, ModelSpec spec) throws Exception {
        JsonLineParser parser = new JsonLineParser();
        ExampleValidator validator = new ExampleValidator(spec);
        List<Example> examples = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String reason;
                try {
                    Example example = parser.parse(line);
                    reason = validator.check(example);
                    if (reason == null) {
                        examples.add(example);
                        continue;
                    }
                } catch (InvalidRecordException e) {
                    reason = e.getMessage();
                }
                throw new IllegalArgumentException("holdout " + file + " line " + number + ": " + reason);
            }
        }
        return examples;
    }
}
