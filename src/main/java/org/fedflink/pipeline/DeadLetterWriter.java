package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Writes dead letters as JSON lines ({@code origin, position, reason, raw}) to one local file, each
 * exactly once across failures (see {@link CheckpointedAppender}). Runs with parallelism 1.
 */
public final class DeadLetterWriter extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<DeadLetter, Void> {

    private final String file;

    private transient ListState<Long> offsetState;
    private transient long restoredLength;
    private transient CheckpointedAppender appender;
    private transient ObjectMapper json;

    public DeadLetterWriter(String file) {
        this.file = file;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        offsetState = context.getOperatorStateStore().getListState(StateDescriptors.fileOffset("dead-letter"));
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
    public void processElement(StreamRecord<DeadLetter> record) throws Exception {
        DeadLetter letter = record.getValue();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("origin", letter.origin());
        row.put("position", letter.position());
        row.put("reason", letter.reason());
        row.put("raw", letter.raw());
        appender.line(json.writeValueAsString(row));
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
