/**
 * Rolling upgrades (DESIGN.md §8): which protocol versions this build speaks
 * ({@link io.regent.upgrade.ProtocolVersion}), which each member has been heard speaking
 * ({@link io.regent.upgrade.SpokenVersions}), the group's version as replicated state
 * ({@link io.regent.upgrade.GroupVersionMachine}) and what it turns on
 * ({@link io.regent.upgrade.Feature}). Pure, as the rest of the core.
 */
package io.regent.upgrade;
