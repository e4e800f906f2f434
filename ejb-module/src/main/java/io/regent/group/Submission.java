package io.regent.group;

import io.regent.replication.Proposal;

import java.util.concurrent.CompletableFuture;

/**
 * A client write handed to the {@link ReplicationEngine}: refused at once (not the master, still
 * syncing), or sequenced with the master's result and a future that completes when the write is
 * committed, or fails with {@link WriteFailed}.
 */
public record Submission(Proposal proposal, CompletableFuture<Void> committed) {
}
