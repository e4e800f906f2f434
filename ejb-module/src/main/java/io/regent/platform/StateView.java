package io.regent.platform;

import io.regent.api.ReplicatedState;
import io.regent.machines.MachineState;

import java.util.List;

/** A machine's state ({@code io.regent.machines}) as the application's API shows it. */
final class StateView implements ReplicatedState {

    private final MachineState state;

    StateView(MachineState state) {
        this.state = state;
    }

    @Override
    public byte[] get(byte[] key) {
        return state.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        state.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        state.delete(key);
    }

    @Override
    public List<Entry> scan(byte[] from, int limit) {
        return state.scan(from, limit).stream().map(p -> new Entry(p.key(), p.value())).toList();
    }
}
