package io.regent.protocol;

import java.util.Map;

/**
 * Refuses a message that could not have come from a correct member, before it can change
 * anything (DESIGN.md §5, invariant 6; §6). Authenticity is the host's job (message signing); this catches
 * unknown senders and structurally impossible content.
 */
final class MessageCheck {

    /**
     * The highest term a message may carry: one election a millisecond would take 35 years to
     * reach it, yet a member cannot push the term near Long.MAX_VALUE, where no later election
     * could declare a higher one.
     */
    static final long MAX_TERM = 1L << 40;

    /** Longest master address a member may announce (clients are redirected to it). */
    static final int MAX_ADDRESS_LENGTH = 512;

    private MessageCheck() {
    }

    /** Why {@code m} must be dropped, or null if it may be processed. */
    static String problem(Message m, String self, Membership members) {
        if (m == null || m.from() == null || m.epoch() == null) {
            return "malformed: missing sender or epoch";
        }
        if (m.from().equals(self)) {
            return "carries this server's own id";
        }
        // a candidacy may come from a member, or name the epoch of one, that this server's stale
        // history does not hold yet (DESIGN.md §9.3); never from one that left
        boolean candidacy = m instanceof Message.Candidacy;
        if (!members.knows(m.from()) && !(candidacy && Seat.isId(m.from()) && !members.retired(m.from()))) {
            return "unknown sender " + m.from();
        }
        String epochProblem = epochProblem(m.epoch(), members, candidacy);
        if (epochProblem != null) {
            return epochProblem;
        }
        if (m instanceof Message.Declaration) {
            return ownedBySender(m, members);
        }
        if (m instanceof Message.Revocation r) {
            return members.knows(r.revoked()) ? ownedBySender(r, members) : "revokes an unknown server";
        }
        if (m instanceof Message.Handover h) {
            return members.knows(h.target()) ? null : "hands over to an unknown server";
        }
        if (m instanceof Message.Candidacy) {
            return null;
        }
        if (m instanceof Message.Support s) {
            return members.knows(s.candidate()) ? null : "supports an unknown server";
        }
        if (m instanceof Message.Inquiry q) {
            return q.seq() >= 1 ? null : "inquiry sequence must be >= 1";
        }
        if (m instanceof Message.Reply r) {
            return r.seq() >= 1 ? null : "reply sequence must be >= 1";
        }
        if (m instanceof Message.Probe p) {
            return p.sentAt() >= 0 ? null : "negative probe time";
        }
        if (m instanceof Message.ProbeEcho e) {
            return e.sentAt() >= 0 ? null : "negative probe time";
        }
        return announcementProblem((Message.Announcement) m, members);
    }

    private static String epochProblem(Epoch e, Membership members, boolean candidacy) {
        if (e.term() < 0) {
            return "negative epoch";
        }
        if (e.term() > MAX_TERM) {
            return "term " + e.term() + " is over the bound " + MAX_TERM;
        }
        if (e.term() == 0) {
            return e.index() == 0 ? null : "epoch 0 names a master";
        }
        if (!Index.valid(e.index())) {
            return "epoch names invalid index " + e.index();
        }
        int slot = Index.slot(e.index());
        return members.hasSlot(slot) || (candidacy && !members.retiredNumber(slot)) ? null
                : "epoch names unknown index " + e.index();
    }

    private static String ownedBySender(Message m, Membership members) {
        return Index.slot(m.epoch().index()) == members.slotOf(m.from()) ? null : "declares an epoch that is not its own";
    }

    private static String announcementProblem(Message.Announcement a, Membership members) {
        if (a.role() == null || a.delays() == null) {
            return "announcement without role or delays";
        }
        if (a.index() != 0 && !(Index.valid(a.index()) && Index.slot(a.index()) == members.slotOf(a.from()))) {
            return "announces an index that is not its own";
        }
        if (a.capacity() < 0) {
            return "announces a negative capacity";
        }
        String addressProblem = addressProblem(a.address());
        if (addressProblem != null) {
            return addressProblem;
        }
        // a row may name servers this one does not know: while a membership change spreads, the
        // sender may have applied it and this server not yet (or the other way round)
        if (a.delays().size() > Index.MAX_SLOT) {
            return "announcement with more delay entries than a group has members";
        }
        for (Map.Entry<String, Long> d : a.delays().entrySet()) {
            if (d.getKey() == null || d.getValue() == null || d.getValue() < 0) {
                return "announcement with a bad delay entry";
            }
        }
        return null;
    }

    /** An announced address is where clients are sent (307, status page): an http(s) URL, nothing else. */
    private static String addressProblem(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        if (address.length() > MAX_ADDRESS_LENGTH) {
            return "announces an address over " + MAX_ADDRESS_LENGTH + " characters";
        }
        try {
            java.net.URI uri = new java.net.URI(address);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return web && uri.getHost() != null && uri.getUserInfo() == null ? null
                    : "announces an address that is not an http(s) URL of a host";
        } catch (java.net.URISyntaxException e) {
            return "announces an address that is not a URL";
        }
    }
}
