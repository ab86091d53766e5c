/**
 * The subcommands of {@code courier}: {@code run}, {@code check}, {@code config sample}, {@code demo},
 * {@code discover}, {@code ledger} and {@code send}.
 */
package dev.concierge.courier.app.cli;
