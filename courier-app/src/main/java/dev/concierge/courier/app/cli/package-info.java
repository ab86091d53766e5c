/** The subcommands of {@code courier}: {@code run}, {@code demo}, {@code discover} and {@code ledger}. */
package dev.concierge.courier.app.cli;
