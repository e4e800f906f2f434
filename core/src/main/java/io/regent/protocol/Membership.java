package io.regent.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of the configuration in force (see {@link Configuration}), the index each is ranked
 * by (see {@link Index}), when each was last heard of, and the role and capacity each last
 * announced. Learners are members too: they are heard and answered, but never counted toward a
 * majority nor ranked as backups that could take over.
 */
public final class Membership {

    private final String self;
    private final int selfIndex;
    private Configuration configuration;
    private final Map<String, Integer> slotById = new HashMap<>();
    /** Every member number ever seen, removed members' included: an old epoch still names its owner. */
    private final Map<Integer, String> idBySlot = new HashMap<>();
    private final Map<String, Integer> indexById = new HashMap<>();
    /** Ids sorted by index, best first: asked for on every input, so sorted when an index changes. */
    private List<String> ids;
    private final Map<String, Long> lastHeard = new HashMap<>();
    private final Map<String, Role> announced = new HashMap<>();
    private final Map<String, String> addresses = new HashMap<>();
    private final Map<String, Long> capacities = new HashMap<>();

    /**
     * @param selfIndex this server's index: when it is measured, so are its peers', which rank last
     *                  until they announce theirs
     */
    Membership(Configuration configuration, String self, int selfIndex) {
        this.self = self;
        this.selfIndex = selfIndex;
        this.configuration = configuration;
        this.ids = List.of();
        reconfigure(configuration);
    }

    /**
     * Follows a change of configuration: members that joined are ranked by their number until they
     * announce an index, members that left are forgotten (their numbers still name their epochs).
     */
    void reconfigure(Configuration next) {
        configuration = next;
        for (String id : List.copyOf(slotById.keySet())) {
            if (!next.has(id)) {
                slotById.remove(id);
                indexById.remove(id);
                lastHeard.remove(id);
                announced.remove(id);
                addresses.remove(id);
                capacities.remove(id);
            }
        }
        for (Seat seat : next.seats()) {
            idBySlot.put(seat.number(), seat.id());
            if (slotById.put(seat.id(), seat.number()) == null) {
                int slot = seat.number();
                indexById.put(seat.id(), seat.id().equals(self) ? selfIndex
                        : Index.isMeasured(selfIndex) ? Index.unheard(slot) : slot);
            }
            if (!seat.url().isEmpty()) {
                addresses.put(seat.id(), seat.url());
            }
        }
        sort();
    }

    public Configuration configuration() {
        return configuration;
    }

    /** Whether {@code id} left the group: it is never a member again. */
    public boolean retired(String id) {
        return configuration.retiredIds().contains(id);
    }

    /** Whether member number {@code slot} belonged to a member that left. */
    public boolean retiredNumber(int slot) {
        return configuration.retiredNumbers().contains(slot);
    }

    /** Whether {@code id} counts toward majorities and may be elected. */
    public boolean isVoter(String id) {
        return configuration.isVoter(id);
    }

    private void sort() {
        List<String> sorted = new ArrayList<>(indexById.keySet());
        sorted.sort(Comparator.comparingInt(indexById::get));
        ids = List.copyOf(sorted);
    }

    public boolean knows(String id) {
        return id != null && slotById.containsKey(id);
    }

    /** Whether a member has this member number. */
    public boolean hasSlot(int slot) {
        return idBySlot.containsKey(slot);
    }

    public int slotOf(String id) {
        return slotById.get(id);
    }

    /** The index {@code id} is ranked by now. */
    public int indexOf(String id) {
        return indexById.get(id);
    }

    /** The server an epoch names: the only one that may declare it. */
    public String ownerOf(Epoch epoch) {
        return idBySlot.get(Index.slot(epoch.index()));
    }

    /** The capacity figure {@code id} announced, or 0 (configured index, or not heard). */
    public long capacity(String id) {
        return capacities.getOrDefault(id, 0L);
    }

    /** {@code id} announced the index it is ranked by and the figure it measured. */
    void ranked(String id, int index, long capacity) {
        capacities.put(id, capacity);
        if (indexById.put(id, index) != index) {
            sort();
        }
    }

    void heard(String id, long now) {
        lastHeard.put(id, now);
    }

    void announced(String id, Role role, String address) {
        announced.put(id, role);
        if (address != null && !hasConfiguredUrls()) {
            addresses.put(id, address); // with configured addresses, those stand whatever a member announces
        }
    }

    private boolean hasConfiguredUrls() {
        return configuration.seats().stream().anyMatch(s -> !s.url().isEmpty());
    }

    /** The address {@code id} last announced, or null. */
    public String address(String id) {
        return addresses.get(id);
    }

    /** Last time anything arrived from {@code id}, or -1. */
    public long lastHeard(String id) {
        return lastHeard.getOrDefault(id, -1L);
    }

    /** The role {@code id} last announced, or null if it announced none. */
    public Role announcedRole(String id) {
        return announced.get(id);
    }

    /** Ids sorted by index, best first. */
    public List<String> ids() {
        return ids;
    }

    /**
     * The set B of claims 10-13: {@code self} plus every voter heard of within {@code window},
     * less {@code failed}; sorted best first. A joining peer counts too: counting a server that
     * cannot win only lengthens worse-ranked delays, never lets the wrong server fire first.
     * Learners never take over, so they are not counted.
     */
    List<String> liveBackups(String self, long now, long window, String failed) {
        List<String> backups = new ArrayList<>();
        for (String id : ids()) {
            boolean live = id.equals(self)
                    || (lastHeard(id) >= 0 && now - lastHeard(id) <= window);
            if (live && !id.equals(failed) && isVoter(id)) {
                backups.add(id);
            }
        }
        return backups;
    }

    /** Peers heard of within {@code window} whose last announced role is BACKUP or WAITING. */
    List<String> liveFollowers(String self, long now, long window) {
        List<String> followers = heardWithin(self, now, window);
        followers.removeIf(id -> announced.get(id) != Role.BACKUP && announced.get(id) != Role.WAITING);
        return followers;
    }

    /** Voters heard of within {@code window}, {@code self} included if it votes. */
    int votersHeardWithin(String self, long now, long window) {
        int voters = isVoter(self) ? 1 : 0;
        for (String id : heardWithin(self, now, window)) {
            if (isVoter(id)) {
                voters++;
            }
        }
        return voters;
    }

    /** Peers heard of within {@code window}, best first. */
    List<String> heardWithin(String self, long now, long window) {
        List<String> peers = new ArrayList<>();
        for (String id : ids()) {
            if (!id.equals(self) && lastHeard(id) >= 0 && now - lastHeard(id) <= window) {
                peers.add(id);
            }
        }
        return peers;
    }

    /**
     * Whether any peer heard of within {@code window} last announced MASTER or BACKUP: a group
     * with a master is running. (WAITING peers are electing, as at a fresh start: join them.)
     */
    boolean anyActive(String self, long now, long window) {
        return heardWithin(self, now, window).stream()
                .anyMatch(id -> announced.get(id) == Role.MASTER || announced.get(id) == Role.BACKUP);
    }
}
