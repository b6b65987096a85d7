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
 * Writes records as lines to one local file of the run folder, each exactly once across failures
 * (see {@link CheckpointedAppender}: the file is cut back to its length at the restored
 * checkpoint). Runs with parallelism 1. The dead letters and the prediction stream are written by
 * it as JSON lines, the drift events as CSV rows under a header.
 */
public final class LinesWriter<T> extends AbstractStreamOperator<Void> implements OneInputStreamOperator<T, Void> {

    /** The fields of one JSON line, in order. */
    public interface LineFields<T> extends Serializable {
        Map<String, Object> of(T value);
    }

    /** One record's line, without its line break. */
    public interface Line<T> extends Serializable {
        String of(T value) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final String stateName;
    private final String header;
    private final Line<T> line;

    private transient ListState<Long> offsetState;
    private transient long restoredLength;
    private transient CheckpointedAppender appender;

    /**
     * @param stateName name of the operator state holding the file's committed length (part of the
     *     savepoint format: keep it stable)
     * @param header the file's first line, or null for none
     */
    public LinesWriter(String file, String stateName, String header, Line<T> line) {
        this.file = file;
        this.stateName = stateName;
        this.header = header;
        this.line = line;
    }

    /** A writer of JSON lines, one object of {@code fields} per record. */
    public static <T> LinesWriter<T> jsonLines(String file, String stateName, LineFields<T> fields) {
        return new LinesWriter<>(file, stateName, null, value -> JSON.writeValueAsString(fields.of(value)));
    }

    /** Drift events: {@code drifts.csv}, one row per event under {@link DriftEvent#HEADER}. */
    public static LinesWriter<DriftEvent> drifts(String file) {
        return new LinesWriter<>(file, "drifts", DriftEvent.HEADER, DriftEvent::csvRow);
    }

    /** Dead letters: {@code origin, position, reason, raw}. */
    public static LinesWriter<DeadLetter> deadLetters(String file) {
        return jsonLines(file, "dead-letter", letter -> {
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
    public static LinesWriter<PrequentialPrediction> predictions(String file, List<String> labelNames) {
        return jsonLines(file, "predictions", p -> {
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
        appender = CheckpointedAppender.open(Path.of(file), restoredLength, header);
    }

    @Override
    public void processElement(StreamRecord<T> record) throws Exception {
        appender.line(line.of(record.getValue()));
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
