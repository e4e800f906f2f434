package io.regent.api;

import jakarta.ejb.ApplicationException;

/**
 * A {@link MasterOnly} method was called on a server that is not the master. The caller gets it
 * as is (not wrapped), and a transaction the call runs in is rolled back: a message-driven bean's
 * message is redelivered.
 */
@ApplicationException(rollback = true)
public class NotMasterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String master;
    private final String masterUrl;

    /**
     * @param master    the master this server knows of, or null
     * @param masterUrl its URL, or null
     */
    public NotMasterException(String master, String masterUrl) {
        super(master == null ? "this server is not the master, and no master is known yet"
                : "this server is not the master; " + master + " is (" + masterUrl + ")");
        this.master = master;
        this.masterUrl = masterUrl;
    }

    /** The master this server knows of, or null. */
    public String master() {
        return master;
    }

    /** The master's URL, or null. */
    public String masterUrl() {
        return masterUrl;
    }
}
