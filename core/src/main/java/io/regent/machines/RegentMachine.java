package io.regent.machines;

/**
 * One of Regent's own machines (the group version, the membership): no application may take its
 * name, and the storage quota never refuses its commands, which are a few bytes a full store
 * must not be able to hold back.
 */
public abstract class RegentMachine implements Machine {

    private final String name;
    private final Namespace namespace;

    protected RegentMachine(String name) {
        this.name = name;
        this.namespace = new Namespace(name);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Namespace namespace() {
        return namespace;
    }

    @Override
    public final boolean boundedByQuota() {
        return false;
    }
}
