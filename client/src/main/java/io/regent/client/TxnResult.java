package io.regent.client;

import java.util.List;

/**
 * What a transaction did: whether its compares held, and each write of the branch that applied,
 * in order.
 */
public record TxnResult(boolean succeeded, List<Written> writes) {

    /**
     * @param outcome written (version: after the write), deleted (version: before it) or absent
     *                (a delete of a key that did not exist; version 0)
     */
    public record Written(String key, String outcome, long version) { }

    public TxnResult {
        writes = List.copyOf(writes);
    }
}
