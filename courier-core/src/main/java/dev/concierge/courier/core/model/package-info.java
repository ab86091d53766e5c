/**
 * The sample model every source produces and every sink renders: immutable values, safe to share
 * between threads without copying.
 */
package dev.concierge.courier.core.model;
