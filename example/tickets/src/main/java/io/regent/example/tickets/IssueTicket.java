package io.regent.example.tickets;

/**
 * Asks for the next ticket for {@code holder}. The request id makes a retry safe: the same id gets
 * the ticket it got the first time, however often the client sends it and whichever master answers.
 */
public record IssueTicket(String requestId, String holder) {

    public IssueTicket {
        if (requestId == null || requestId.isEmpty() || requestId.length() > 64) {
            throw new IllegalArgumentException("requestId must hold 1 to 64 characters");
        }
        if (holder == null || holder.isEmpty() || holder.length() > 200) {
            throw new IllegalArgumentException("holder must hold 1 to 200 characters");
        }
    }
}
