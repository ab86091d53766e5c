/**
 * The lock-free ring between sources and sinks. Producers claim slots with a CAS and publish with a
 * release store; readers observe with acquire loads. Every field that crosses threads says its ordering
 * at its declaration.
 */
package dev.concierge.courier.core.ring;
