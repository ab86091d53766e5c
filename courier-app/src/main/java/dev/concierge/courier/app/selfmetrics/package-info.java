/** The courier's own health, delivered through its own pipeline to its own sinks ({@code self_metrics}). */
package dev.concierge.courier.app.selfmetrics;
