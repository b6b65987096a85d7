package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.io.CheckpointedAppender;

/**
 * Writes records as JSON lines to one local file of the run folder, each exactly once across
 * failures (see {@link CheckpointedAppender}: the file is cut back to its length at the restored
 * checkpoint). Runs with parallelism 1. The dead letters and the prediction stream are written by
 * it.
 */
public final class JsonLinesWriter<T> extends AbstractStreamOperator<Void> implements OneInputStreamOperator<T, Void> {

    /** The fields of one line, in order. */
    public interface LineFields<T> extends Serializable {
        Map<String, Object> of(T value);
    }

    private final String file;
    private final String stateName;
    private final LineFields<T> fields;

    private transient ListState<Long> offsetState;
    private transient long restoredLength;
    private transient CheckpointedAppender appender;
    private transient ObjectMapper json;

    /**
     * @param stateName name of the operator state holding the file's committed length (part of the
     *     savepoint format: keep it stable)
     */
    public JsonLinesWriter(String file, String stateName, LineFields<T> fields) {
        this.file = file;
        this.stateName = stateName;
        this.fields = fields;
    }

    /** Dead letters: {@code origin, position, reason, raw}. */
    public static JsonLinesWriter<DeadLetter> deadLetters(String file) {
        return new JsonLinesWriter<>(file, "dead-letter", letter -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("origin", letter.origin());
            row.put("position", letter.position());
            row.put("reason", letter.reason());
            row.put("raw", letter.raw());
            return row;
        });
    }

    /**
     * Predictions: {@code source, time, label, prediction, loss, modelVersion, localExamples}; with
     * label names, the label and the prediction are written as names.
     */
    public static JsonLinesWriter<Prediction> predictions(String file, List<String> labelNames) {
        return new JsonLinesWriter<>(file, "predictions", p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", p.source());
            row.put("time", p.timestamp());
            row.put("label", label(p.label(), labelNames));
            row.put("prediction", label(p.prediction(), labelNames));
            row.put("loss", Double.isFinite(p.loss()) ? p.loss() : null);
            row.put("modelVersion", p.modelVersion());
            row.put("localExamples", p.localExamples());
            return row;
        });
    }

    private static Object label(double value, List<String> names) {
        if (!names.isEmpty() && value >= 0 && value < names.size() && value == Math.rint(value)) {
            return names.get((int) value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Object) (long) value : (Object) value;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        offsetState = context.getOperatorStateStore().getListState(StateDescriptors.fileOffset(stateName));
        restoredLength = -1;
        for (Long length : offsetState.get()) {
            restoredLength = Math.max(restoredLength, length);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        json = new ObjectMapper();
        appender = CheckpointedAppender.open(Path.of(file), restoredLength, null);
    }

    @Override
    public void processElement(StreamRecord<T> record) throws Exception {
        appender.line(json.writeValueAsString(fields.of(record.getValue())));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        offsetState.update(List.of(appender.flushedLength()));
    }

    @Override
    public void finish() throws Exception {
        appender.flushedLength();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (appender != null) {
            appender.close();
        }
        super.close();
    }
}
