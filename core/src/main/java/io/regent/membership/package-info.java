/**
 * Membership change (DESIGN.md §9): the group's configuration as an entry of the log, changed
 * one member at a time, and the checks a master makes before it sequences a change.
 */
package io.regent.membership;
