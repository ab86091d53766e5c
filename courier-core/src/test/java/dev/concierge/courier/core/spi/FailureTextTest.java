package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void saysKnownFailuresInPlainWords() {
        assertThat(FailureText.of(new NoSuchFileException("/var/lib/app/metrics.json")))
                .isEqualTo("no such file: /var/lib/app/metrics.json");
        assertThat(FailureText.of(new AccessDeniedException("/var/spool/courier")))
                .isEqualTo("permission denied: /var/spool/courier");
        assertThat(FailureText.of(new CompletionException(new ConnectException("Connection refused"))))
                .isEqualTo("connection refused");
        assertThat(FailureText.of(new IOException("Connection reset by peer")))
                .isEqualTo("I/O error: Connection reset by peer");
    }

    @Test
    void rewritesClassNamesInsideTextThatAPluginLetThrough() {
        assertThat(FailureText.plain("127.0.0.1:10051: io.netty.channel.AbstractChannel$AnnotatedConnectException: "
                + "Connection refused: /127.0.0.1:10051"))
                .isEqualTo("127.0.0.1:10051: connection refused: /127.0.0.1:10051");
        assertThat(FailureText.plain("/tmp/out.txt: java.nio.file.AccessDeniedException: /tmp/out.txt"))
                .isEqualTo("/tmp/out.txt: permission denied: /tmp/out.txt");
        assertThat(FailureText.plain("send threw: java.lang.IllegalStateException: limits not loaded"))
                .isEqualTo("send threw: illegal state failure: limits not loaded");
        assertThat(FailureText.plain("AnnotatedConnectException: Connection refused"))
                .isEqualTo("connection refused");
        assertThat(FailureText.plain("HTTP 500: Internal Server Error")).isEqualTo("HTTP 500: Internal Server Error");
        assertThat(FailureText.plain(null)).isNull();
    }
}
