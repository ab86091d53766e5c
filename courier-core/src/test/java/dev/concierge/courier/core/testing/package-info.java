/** Fakes for the extension points, shared with the other modules' tests through the test jar. */
package dev.concierge.courier.core.testing;
