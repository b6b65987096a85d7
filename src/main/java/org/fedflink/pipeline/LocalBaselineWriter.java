package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.LocalBaseline;

/**
 * Writes the local-only baseline's results when the input ends: {@code sources.csv} (each
 * source's examples, prequential accuracy and loss, and its model's holdout figures) and
 * {@code summary.json} ({@link LocalBaseline}: over sources, the mean, minimum and worst-decile
 * holdout figures) in its folder of the run. The scores it has received are kept in checkpointed
 * state, so a restore after some trainers finished loses none.
 */
public final class LocalBaselineWriter extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<LocalBaseline.SourceResult, Void>, BoundedOneInput {


    private final String dir;
    private final List<String> holdoutNames;
    private final boolean classifier;

    private transient List<LocalBaseline.SourceResult> scores;
    private transient ListState<LocalBaseline.SourceResult> checkpointed;

    /**
     * @param dir the baseline's folder in the run folder
     * @param holdoutNames the names of the holdout sets, in the order of {@link LocalBaseline.SourceResult#holdouts()}
     */
    public LocalBaselineWriter(String dir, List<String> holdoutNames, boolean classifier) {
        this.dir = dir;
        this.holdoutNames = List.copyOf(holdoutNames);
        this.classifier = classifier;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getListState(
                StateDescriptors.localScores());
        scores = new ArrayList<>();
        checkpointed.get().forEach(scores::add);
    }

    @Override
    public void processElement(StreamRecord<LocalBaseline.SourceResult> record) {
        scores.add(record.getValue());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointed.update(scores);
    }

    @Override
    public void endInput() throws Exception {
        Path folder = Files.createDirectories(Path.of(dir));
        scores.sort(Comparator.comparing(LocalBaseline.SourceResult::source));
        try (BufferedWriter out = Files.newBufferedWriter(folder.resolve(RunFolder.SOURCES), StandardCharsets.UTF_8)) {
            out.write(header());
            out.newLine();
            for (LocalBaseline.SourceResult s : scores) {
                out.write(row(s));
                out.newLine();
            }
        }
        Map<String, Object> summary = LocalBaseline.of(scores, holdoutNames)
                .toMap(classifier);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(folder.resolve(RunFolder.SUMMARY).toFile(), new LinkedHashMap<>(summary));
    }

    private String header() {
        StringBuilder h = new StringBuilder("source,examples,prequentialAccuracy,prequentialLoss");
        for (String name : holdoutNames) {
            h.append(',').append(name).append("Accuracy,").append(name).append("Loss,").append(name)
                    .append("MacroF1,").append(name).append("Auc,").append(name).append("Rmse");
        }
        return h.toString();
    }

    private String row(LocalBaseline.SourceResult s) {
        // a regression has no accuracy: its cell stays empty, as in the federated run's sources.csv
        double accuracy = s.examples() == 0 || !classifier ? Double.NaN : (double) s.correct() / s.examples();
        StringBuilder r = new StringBuilder(SourceStats.csvField(s.source())).append(',').append(s.examples()).append(',')
                .append(SourceStats.number(accuracy))
                .append(',').append(SourceStats.number(s.examples() == 0 ? Double.NaN : s.lossSum() / s.examples()));
        for (var score : s.holdouts()) {
            r.append(',').append(SourceStats.number(score.accuracy())).append(',').append(SourceStats.number(score.loss()))
                    .append(',').append(SourceStats.number(score.macroF1())).append(',')
                    .append(SourceStats.number(score.auc())).append(',').append(SourceStats.number(score.rmse()));
        }
        return r.toString();
    }
}
