package org.fedflink.artifact;

/**
 * A run folder, model file or preprocessing file that cannot be used: missing, of another format,
 * corrupt, or not matching what it claims. The message is one lower-case line naming the file and
 * the problem, meant to be shown to a person as it is.
 */
public final class ArtifactException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
