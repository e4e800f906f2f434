package io.regent.example.tickets;

/**
 * One run of the master-only job, as the server that ran it reports it once it ends.
 *
 * @param epoch the mastership it ran in ({@code term.index})
 */
public record JobRun(String server, String epoch, long startMillis, long endMillis) {

    public JobRun {
        if (endMillis < startMillis) {
            throw new IllegalArgumentException("a run ends after it starts");
        }
    }
}
