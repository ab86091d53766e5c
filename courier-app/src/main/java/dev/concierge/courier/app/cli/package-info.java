/** The subcommands of {@code courier}: {@code run}, {@code demo} and {@code discover}. */
package dev.concierge.courier.app.cli;
