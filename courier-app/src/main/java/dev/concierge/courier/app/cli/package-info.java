/**
 * The subcommands of {@code courier}: {@code run}, {@code check}, {@code config sample}, {@code demo},
 * {@code discover}, {@code ledger}, {@code send} and {@code test}.
 */
package dev.concierge.courier.app.cli;
