package dev.concierge.courier.sources.zabbix;

import java.util.Locale;

/**
 * What the intake answers, in the trapper's own words (PROTOCOLS.md §1.5), so that {@code zabbix_sender}
 * prints and exits as it does against a server: 0 when everything was processed, 2 when some value failed, 1
 * for a failed response.
 *
 * @param json       the reply's JSON
 * @param success    {@code "response":"success"}
 * @param compressed whether the request was compressed (a success then goes out compressed)
 */
record ZabbixReply(String json, boolean success, boolean compressed) {

    /** {@code processed: N; failed: M; total: T; seconds spent: S}, {@code %lf} with six decimals as in C. */
    static ZabbixReply processed(int processed, int failed, long nanosSpent, boolean compressed) {
        String info = String.format(Locale.ROOT, "processed: %d; failed: %d; total: %d; seconds spent: %.6f",
                processed, failed, processed + failed, nanosSpent / 1e9);
        return new ZabbixReply("{\"response\":\"success\",\"info\":\"" + info + "\"}", true, compressed);
    }

    /** {@code {"response":"failed","info":"<why>"}}. */
    static ZabbixReply failed(String why) {
        StringBuilder json = new StringBuilder("{\"response\":\"failed\",\"info\":\"");
        for (int i = 0; i < why.length(); i++) {
            char c = why.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return new ZabbixReply(json.append("\"}").toString(), false, false);
    }
}
