package io.regent.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Who the group is (DESIGN.md §9): its members, which of them vote, and the ids and member numbers
 * that left it, never to be given again (an epoch names its owner by member number, so a reused
 * number would hand an old epoch to a new server). A configuration is replicated state: it
 * changes by one entry of the log at a time, each change adding a learner, promoting one to voter
 * or removing one member, so any majority of a configuration shares a voter with any majority of
 * the next. Version 0 is the bootstrap configuration every server of a new group derives from
 * {@code regent.members}; the log holds every later one.
 */
public record Configuration(long version, List<Seat> seats, Set<String> retiredIds, Set<Integer> retiredNumbers) {

    public Configuration {
        if (version < 0) {
            throw new IllegalArgumentException("a configuration's version is 0 or more, got " + version);
        }
        List<Seat> sorted = new ArrayList<>(seats);
        sorted.sort(Comparator.comparingInt(Seat::number));
        Map<String, Seat> byId = new LinkedHashMap<>();
        Set<Integer> numbers = new TreeSet<>();
        for (Seat s : sorted) {
            if (byId.put(s.id(), s) != null || retiredIds.contains(s.id())) {
                throw new IllegalArgumentException("member id " + s.id() + " is used twice");
            }
            if (!numbers.add(s.number()) || retiredNumbers.contains(s.number())) {
                throw new IllegalArgumentException("member number " + s.number() + " is used twice");
            }
        }
        if (sorted.stream().noneMatch(Seat::voter)) {
            throw new IllegalArgumentException("a configuration needs at least one voter");
        }
        seats = List.copyOf(sorted);
        retiredIds = Set.copyOf(new TreeSet<>(retiredIds));
        retiredNumbers = Set.copyOf(new TreeSet<>(retiredNumbers));
    }

    /** The configuration of a new group: every configured member votes. */
    public static Configuration bootstrap(Map<String, Integer> members, Map<String, String> urls) {
        List<Seat> seats = new ArrayList<>();
        members.forEach((id, number) -> seats.add(new Seat(id, number, urls.getOrDefault(id, ""), true)));
        return new Configuration(0, seats, Set.of(), Set.of());
    }

    /**
     * What a server that joins a running group holds until it learns the group's configuration:
     * the members it was told of as voters, itself as a learner, so it neither campaigns nor
     * counts toward a majority before the group has made it a voter.
     */
    public static Configuration joining(Map<String, Integer> members, Map<String, String> urls, String self) {
        List<Seat> seats = new ArrayList<>();
        members.forEach((id, number) -> seats.add(new Seat(id, number, urls.getOrDefault(id, ""), !id.equals(self))));
        return new Configuration(0, seats, Set.of(), Set.of());
    }

    public Optional<Seat> seat(String id) {
        return seats.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public boolean has(String id) {
        return seat(id).isPresent();
    }

    public boolean isVoter(String id) {
        for (Seat s : seats) { // a loop: a master asks for every acknowledgement
            if (s.id().equals(id)) {
                return s.voter();
            }
        }
        return false;
    }

    public List<String> voters() {
        return seats.stream().filter(Seat::voter).map(Seat::id).toList();
    }

    public List<String> learners() {
        return seats.stream().filter(s -> !s.voter()).map(Seat::id).toList();
    }

    /** Voters that make a majority. */
    public int majority() {
        return voters().size() / 2 + 1;
    }

    /** Whether the voters among {@code ids} make a majority. */
    public boolean isMajority(Collection<String> ids) {
        long voters = ids.stream().distinct().filter(this::isVoter).count();
        return voters >= majority();
    }

    /** Whether {@code id} or {@code number} was ever taken, here or by a member that left. */
    public boolean taken(String id, int number) {
        return has(id) || retiredIds.contains(id) || retiredNumbers.contains(number)
                || seats.stream().anyMatch(s -> s.number() == number);
    }

    // ---- the three changes: each returns the next version ------------------------------------

    public Configuration withLearner(Seat learner) {
        if (learner.voter()) {
            throw new IllegalArgumentException("a member joins as a learner");
        }
        if (taken(learner.id(), learner.number())) {
            throw new IllegalArgumentException("member id " + learner.id() + " or number " + learner.number()
                    + " is or was taken: ids and numbers are never given twice");
        }
        List<Seat> next = new ArrayList<>(seats);
        next.add(learner);
        return new Configuration(version + 1, next, retiredIds, retiredNumbers);
    }

    public Configuration withPromoted(String id) {
        Seat s = seat(id).orElseThrow(() -> new IllegalArgumentException("no member " + id));
        if (s.voter()) {
            throw new IllegalArgumentException("member " + id + " votes already");
        }
        List<Seat> next = new ArrayList<>(seats);
        next.replaceAll(x -> x.id().equals(id) ? x.promoted() : x);
        return new Configuration(version + 1, next, retiredIds, retiredNumbers);
    }

    public Configuration without(String id) {
        Seat s = seat(id).orElseThrow(() -> new IllegalArgumentException("no member " + id));
        List<Seat> next = new ArrayList<>(seats);
        next.remove(s);
        Set<String> ids = new TreeSet<>(retiredIds);
        ids.add(id);
        Set<Integer> numbers = new TreeSet<>(retiredNumbers);
        numbers.add(s.number());
        return new Configuration(version + 1, next, ids, numbers);
    }

    /** Whether this configuration is one change (a learner added, promoted or removed) after {@code previous}. */
    public boolean followsFrom(Configuration previous) {
        List<Supplier<Configuration>> changes = new ArrayList<>();
        for (Seat s : seats) {
            if (!previous.has(s.id())) {
                changes.add(() -> previous.withLearner(s));
            } else if (s.voter() && !previous.isVoter(s.id())) {
                changes.add(() -> previous.withPromoted(s.id()));
            }
        }
        for (Seat s : previous.seats) {
            if (!has(s.id())) {
                changes.add(() -> previous.without(s.id()));
            }
        }
        for (Supplier<Configuration> change : changes) {
            try {
                if (change.get().equals(this)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not a change that could follow previous
            }
        }
        return false;
    }
}
