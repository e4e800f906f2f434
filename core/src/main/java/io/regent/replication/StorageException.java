package io.regent.replication;

/** The disk failed the server: it cannot go on as a member without what it was writing. */
public final class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
