/** {@code courier demo}: a sample application, an embedded Zabbix receiver, and the courier between them. */
package dev.concierge.courier.app.demo;
