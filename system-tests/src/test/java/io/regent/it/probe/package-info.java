/**
 * An application of its own beside Regent, deployed in Regent's EAR by {@code ArquillianIT}: it
 * observes the role events, runs a {@code @MasterOnly} timer and business method and reports
 * what it saw at {@code /probe/}.
 */
package io.regent.it.probe;
