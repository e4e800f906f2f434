package io.regent.example.tickets;

/**
 * An issued ticket: numbers start at 1 and never repeat.
 *
 * @param seq      where the issue stands in the group's log
 * @param epoch    the mastership that issued it ({@code term.index})
 * @param repeated whether this answers a retry of a request already served
 */
public record Ticket(long number, String holder, String requestId, long seq, String epoch, boolean repeated) { }
