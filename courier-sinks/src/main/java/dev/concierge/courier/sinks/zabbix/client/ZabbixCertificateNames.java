package dev.concierge.courier.sinks.zabbix.client;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Prints a certificate's issuer or subject exactly as Zabbix does before it compares it, byte for byte, with
 * a configured {@code TLSServerCertIssuer}/{@code TLSServerCertSubject} (or a host's {@code tls_issuer} and
 * {@code tls_subject}): Zabbix {@code src/libs/zbxcrypto/tls.c} {@code zbx_x509_dn_gets} and
 * {@code zbx_verify_issuer_subject}, "simplified match, not compliant with RFC 4517, 4518".
 *
 * <p>The format is RFC 4514 as OpenSSL prints it with {@code XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB}
 * (what Zabbix built with OpenSSL uses, and what {@code openssl x509 -noout -subject -nameopt
 * RFC2253,-esc_msb} shows): the most specific attribute first ({@code CN=...,OU=...,O=...,C=...}), commas
 * without spaces, OpenSSL's short names ({@code CN OU O L ST C DC UID street emailAddress serialNumber ...}),
 * values in UTF-8 with {@code " + , ; < > \} escaped by a backslash anywhere, a leading space or {@code #} and a
 * trailing space escaped too, control characters as {@code \XX}. Attributes without a short name print as
 * {@code <OID>=#<DER in hex>}. Zabbix built with GnuTLS (Debian's own packages) prints the same for CN, OU,
 * O, L, ST, C, DC and UID, the attributes certificates normally carry, but names a few rarer ones
 * differently (the e-mail address is {@code EMAIL} there) and prints only the first value of a
 * multi-valued RDN, where OpenSSL joins them with {@code +}, as this class does. Stateless.
 */
final class ZabbixCertificateNames {

    /** OpenSSL's short names where they differ from, or are missing in, the JDK's RFC 2253 keywords. */
    private static final Map<String, String> OPENSSL_SHORT_NAMES = Map.ofEntries(
            Map.entry("2.5.4.9", "street"),
            Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.4", "SN"),
            Map.entry("2.5.4.42", "GN"),
            Map.entry("2.5.4.12", "title"),
            Map.entry("2.5.4.13", "description"),
            Map.entry("2.5.4.15", "businessCategory"),
            Map.entry("2.5.4.17", "postalCode"),
            Map.entry("2.5.4.41", "name"),
            Map.entry("2.5.4.43", "initials"),
            Map.entry("2.5.4.44", "generationQualifier"),
            Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"));

    private ZabbixCertificateNames() {
    }

    /** The name as Zabbix prints it, e.g. {@code CN=Zabbix server,OU=Monitoring,O=Example\, Inc.,C=LV}. */
    static String format(X500Principal name) {
        LdapName ldap;
        try {
            // The JDK's RFC 2253 output parses back losslessly; only the printing rules differ from OpenSSL's.
            ldap = new LdapName(name.getName(X500Principal.RFC2253, OPENSSL_SHORT_NAMES));
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("distinguished name " + name + " does not parse back: " + e.getMessage(), e);
        }
        List<Rdn> rdns = ldap.getRdns(); // index 0 is the least specific (rightmost) RDN
        StringBuilder out = new StringBuilder();
        for (int i = rdns.size() - 1; i >= 0; i--) {
            if (out.length() > 0) {
                out.append(',');
            }
            List<String> values = new ArrayList<>();
            try {
                NamingEnumeration<? extends Attribute> attributes = rdns.get(i).toAttributes().getAll();
                while (attributes.hasMore()) {
                    Attribute attribute = attributes.next();
                    values.add(attribute.getID() + '=' + value(attribute.get()));
                }
            } catch (NamingException e) {
                throw new IllegalArgumentException("distinguished name " + name + ": " + e.getMessage(), e);
            }
            out.append(String.join("+", values));
        }
        return out.toString();
    }

    private static String value(Object value) {
        if (value instanceof byte[] der) {
            // An attribute without a short name: OpenSSL's ASN1_STRFLGS_DUMP_DER, '#' and the DER in hex.
            return '#' + HexFormat.of().withUpperCase().formatHex(der);
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean first = i == 0;
            boolean last = i == text.length() - 1;
            if ("\"+,;<>\\".indexOf(c) >= 0 || (c == '#' && first) || (c == ' ' && (first || last))) {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append('\\').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
