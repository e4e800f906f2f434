package io.regent.watch;

/**
 * One committed change to the key-value store, as a watch reports it.
 *
 * @param seq     the write's position in the stream: a watch resumes after it
 * @param value   the new value; null for a delete
 * @param version the key's version after a put, the version it had before a delete
 */
public record Change(long seq, Type type, String key, String value, long version) {

    public enum Type { PUT, DELETE }
}
