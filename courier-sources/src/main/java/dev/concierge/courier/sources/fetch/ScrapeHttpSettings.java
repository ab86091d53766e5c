package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.PathAccess;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.tls.TlsClientSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a scrape adds to its HTTP request, shared by every scraping source (and the scrapes a Consul source
 * creates): extra {@code headers}, credentials ({@code basic_auth} or {@code authorization}) and a {@code tls}
 * block, in the shapes of Prometheus's scrape config. Every instance is valid: the constructor reports every
 * problem at once, each at its key. Secrets are {@link Secret}s or files, so {@link #toString()} shows none.
 *
 * @param headers     request headers sent with every scrape ({@code headers}); never {@code Authorization}, which
 *                    would put a secret where nothing masks it
 * @param credentials how the scrape logs in; null for not at all
 * @param tls         the TLS client settings for an https URL; null for the JVM's defaults
 */
public record ScrapeHttpSettings(Map<String, String> headers, HttpCredentials credentials, TlsClientSettings tls) {

    /** Nothing added: no headers, no credentials, the JVM's TLS defaults. */
    public static final ScrapeHttpSettings NONE = new ScrapeHttpSettings(Map.of(), null, null);

    /** The keys these settings take in a source's section, for its {@code expectKeys}. */
    public static final List<String> KEYS = List.of("headers", "basic_auth", "authorization", "tls");

    // What the JDK client refuses to set (jdk.internal.net.http.common.Utils), and Authorization (see above).
    private static final Set<String> REFUSED = Set.of("authorization", "connection", "content-length", "expect", "host",
            "upgrade");

    public ScrapeHttpSettings {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        List<SettingProblem> problems = new ArrayList<>();
        for (String name : headers.keySet()) {
            if (REFUSED.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add(SettingProblem.of("headers." + name, "set",
                        name.equalsIgnoreCase("authorization") ? "credentials in basic_auth or authorization"
                                : "a header the HTTP client may set (not " + name + ")"));
            }
        }
        InvalidSettingsException.throwIfAny("http", problems);
    }

    /**
     * Reads {@link #KEYS} from a source's section (or a Consul source's {@code scrape} block), recording every
     * problem at its key; {@link #NONE} when none is written, null when any has a problem.
     */
    public static ScrapeHttpSettings bind(Settings settings) {
        int before = settings.problemCount();
        Map<String, String> headers = settings.optionalStringMap("headers");
        HttpCredentials basic = basicAuth(settings.optionalMapping("basic_auth"));
        HttpCredentials authorization = authorization(settings.optionalMapping("authorization"));
        if (basic != null && authorization != null) {
            settings.problem("authorization", "both basic_auth and authorization", "one way to log in");
        }
        Settings tlsBlock = settings.optionalMapping("tls");
        tlsBlock.expectKeys(TlsClientSettings.KEYS.toArray(new String[0]));
        TlsClientSettings tls = TlsClientSettings.bind(settings, tlsBlock);
        if (settings.problemCount() > before) {
            return null;
        }
        if (headers.isEmpty() && basic == null && authorization == null && tls == null) {
            return NONE;
        }
        return settings.build(() -> new ScrapeHttpSettings(headers, basic != null ? basic : authorization, tls));
    }

    /** {@code basic_auth: {username, password | password_file}}; null when absent or broken. */
    private static HttpCredentials basicAuth(Settings basic) {
        if (basic.keys().isEmpty()) {
            return null;
        }
        basic.expectKeys("username", "password", "password_file");
        String username = basic.requiredString("username");
        Secret password = basic.optionalSecret("password", null);
        String file = basic.optionalString("password_file", null);
        if ((password == null) == (file == null)) {
            basic.problem(password == null ? "neither password nor password_file" : "both password and password_file",
                    "one of password and password_file");
            return null;
        }
        return username == null ? null : new HttpCredentials.Basic(username, password, file == null ? null : Path.of(file));
    }

    /** {@code authorization: {type, credentials | credentials_file}}; null when absent or broken. */
    private static HttpCredentials authorization(Settings authorization) {
        if (authorization.keys().isEmpty()) {
            return null;
        }
        authorization.expectKeys("type", "credentials", "credentials_file");
        String type = authorization.optionalString("type", HttpCredentials.Authorization.DEFAULT_TYPE);
        Secret credentials = authorization.optionalSecret("credentials", null);
        String file = authorization.optionalString("credentials_file", null);
        if ((credentials == null) == (file == null)) {
            authorization.problem(credentials == null ? "neither credentials nor credentials_file"
                    : "both credentials and credentials_file", "one of credentials and credentials_file");
            return null;
        }
        if (type.isBlank() || type.chars().anyMatch(Character::isWhitespace)) {
            authorization.problem("type", "\"" + type + "\"", "one word, such as Bearer");
            return null;
        }
        return new HttpCredentials.Authorization(type, credentials, file == null ? null : Path.of(file));
    }

    /** The files a reload watches: the TLS files (credential files are read on every scrape anyway). */
    public List<Path> watchedFiles() {
        return tls == null ? List.of() : tls.files();
    }

    /**
     * The files named here that this process cannot read now, as {@code courier check} reports them; keys start
     * with {@code prefix} ({@code scrape.} inside a Consul source).
     */
    public List<SettingProblem> localProblems(String prefix) {
        List<SettingProblem> problems = new ArrayList<>();
        if (credentials instanceof HttpCredentials.Basic basic && basic.passwordFile() != null) {
            PathAccess.readableFileProblem(basic.passwordFile()).ifPresent(found -> problems.add(
                    SettingProblem.of(prefix + "basic_auth.password_file", found, "a readable file")));
        }
        if (credentials instanceof HttpCredentials.Authorization auth && auth.credentialsFile() != null) {
            PathAccess.readableFileProblem(auth.credentialsFile()).ifPresent(found -> problems.add(
                    SettingProblem.of(prefix + "authorization.credentials_file", found, "a readable file")));
        }
        if (tls != null) {
            problems.addAll(tls.localProblems(prefix));
        }
        return problems;
    }

    /** The secrets written in the configuration itself; what files hold is added by the fetcher once read. */
    public SecretMask inlineSecrets() {
        if (credentials instanceof HttpCredentials.Basic basic && basic.password() != null) {
            return SecretMask.of(basic.password());
        }
        if (credentials instanceof HttpCredentials.Authorization auth && auth.credentials() != null) {
            return SecretMask.of(auth.credentials());
        }
        return SecretMask.none();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!headers.isEmpty()) {
            parts.add("headers " + headers.keySet());
        }
        if (credentials != null) {
            parts.add(credentials.toString());
        }
        if (tls != null) {
            parts.add(tls.toString());
        }
        return parts.isEmpty() ? "no credentials" : String.join(", ", parts);
    }
}
