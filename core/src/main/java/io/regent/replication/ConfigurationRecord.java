package io.regent.replication;

import io.regent.protocol.Configuration;

import java.util.Optional;

/**
 * Where the group's configuration lives in the replicated state (DESIGN.md §9): a replica reads it
 * again after applying a command that may change it and after installing a snapshot, so every
 * server counts majorities by the configuration its own history holds.
 */
public interface ConfigurationRecord {

    /** A state in which the configuration never changes: the bootstrap one stands. */
    ConfigurationRecord NONE = new ConfigurationRecord() {
        @Override
        public boolean changes(String command) {
            return false;
        }

        @Override
        public Optional<Configuration> read(StateSpace space) {
            return Optional.empty();
        }
    };

    /** Whether applying {@code command} may change the configuration. */
    boolean changes(String command);

    /** The configuration {@code space} records, or empty while the group has its bootstrap one. */
    Optional<Configuration> read(StateSpace space);
}
