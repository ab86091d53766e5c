/** Peers the app's tests share: small loopback servers that stand where a real exporter would. */
package dev.concierge.courier.app.testing;
