package io.regent.replication;

/**
 * A retained write and the result the machine gave when this server applied it: the history that
 * readers of changes (watches) follow. Every server computes the same result for the same write.
 */
public record Applied(Entry entry, String result) { }
