/** How the courier logs: text or JSON lines on stderr, chosen by environment, no configuration file needed. */
package dev.concierge.courier.app.logging;
