package org.fedflink.pipeline;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.function.SerializableSupplier;
import org.fedflink.data.Example;

/**
 * Type information of a record type that Flink serializes with one of our {@link BulkSerializer}s
 * instead of its POJO serializer. Not a key type: these records are partitioned by a field.
 */
final class RecordTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SerializableSupplier<TypeSerializer<T>> serializer;

    RecordTypeInfo(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    /** {@link org.fedflink.data.Example}s, dense or sparse, with bulk-copied feature arrays. */
    static TypeInformation<Example> examples() {
        return new RecordTypeInfo<>(Example.class, ExampleSerializer::new);
    }

    /** {@link LocalUpdate}s with bulk-copied deltas. */
    static TypeInformation<LocalUpdate> localUpdates() {
        return new RecordTypeInfo<>(LocalUpdate.class, LocalUpdateSerializer::new);
    }

    /** {@link RawRecord}s, handed between chained operators without a copy. */
    static TypeInformation<RawRecord> rawRecords() {
        return new RecordTypeInfo<>(RawRecord.class, RawRecordSerializer::new);
    }

    /** {@link GlobalModel}s with bulk-copied parameters. */
    static TypeInformation<GlobalModel> globalModels() {
        return new RecordTypeInfo<>(GlobalModel.class, GlobalModelSerializer::new);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public String toString() {
        return "RecordTypeInfo<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RecordTypeInfo<?> other && other.canEqual(this) && other.type == type;
    }

    @Override
    public int hashCode() {
        return Objects.hash(RecordTypeInfo.class, type);
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof RecordTypeInfo;
    }
}
