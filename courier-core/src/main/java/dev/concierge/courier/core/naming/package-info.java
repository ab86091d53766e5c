/**
 * How a sample is named by each kind of destination. Every renderer is a pure function of the sample,
 * so the same sample always gets the same key, path or line.
 */
package dev.concierge.courier.core.naming;
