package org.fedflink.data;

/** The file and message formats examples can be read from. */
public enum InputFormat {
    /** One JSON object per line: source, time, label and dense features, sparse indices/values or text. */
    JSONL,
    /** Comma-separated values, with a header by default; source, time and label columns, the rest are features. */
    CSV,
    /** LibSVM / SVMlight: {@code label index:value ...}, sparse; no source or time. */
    LIBSVM,
    /** The IDX binary format of MNIST and Fashion-MNIST: an images file and a labels file. */
    IDX
}
