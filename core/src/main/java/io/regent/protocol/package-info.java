/**
 * The election protocol as a pure state machine (DESIGN.md §2), in the style of go.etcd.io/raft:
 * the host feeds a {@link io.regent.protocol.Node} with messages, timer firings and the current
 * time, and drains the {@link io.regent.protocol.Effect}s it asks for (messages to send, timers
 * to set or cancel, events to record). No clock, no threads, no I/O and no Jakarta EE here, so
 * a seeded simulation can drive thousands of adversarial scenarios per second.
 */
package io.regent.protocol;
