package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;
import java.util.List;

/**
 * An optional ability of a {@link SinkType}: it shows, as text, what a sink of a given config would put on the
 * wire for some samples, without creating the sink. {@code courier test} asks every sink type whether it has
 * this ability; for a type without it, it says that it cannot show that sink's output.
 *
 * <p><b>Why on the type, not on the sink.</b> Creating a sink is not free of effects: a Zabbix sink starts an
 * event loop thread and, with discovery on, reads its state from {@code data_dir}; an HTTP sink builds a
 * client and reads its trust store; a file sink starts its writer thread. A preview must open nothing and
 * change nothing, so it is made from the bound config alone, by the stateless type.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>Renders exactly what {@link Sink#send} would write for {@code samples}, with the sink's own encoder,
 *       so that a preview and the wire never drift apart: one line per value sent, in the wire's own syntax
 *       where it is text (a Graphite plaintext line, an Influx line, a JSON object), in a documented
 *       human-readable form where the wire is binary or compressed (a Zabbix row as {@code host<TAB>key<TAB>value}).
 *       What a sink sends besides the samples' values (Zabbix discovery values ahead of them) is rendered
 *       too, as a fresh sink would send it.</li>
 *   <li>Every sample {@code send} would leave out (a non-finite decimal, text on Graphite, a key longer than
 *       Zabbix allows) is reported to {@link Output#skipped} with the reason, the same words the sink's
 *       outcome detail uses.</li>
 *   <li>Never opens a connection or a file, never starts a thread, never reads or writes {@code data_dir},
 *       never logs per sample. Blocks on nothing.</li>
 *   <li>Threading: the type is stateless; {@code render} may be called from any thread, and concurrently.
 *       {@code out} is called on the calling thread only: lines in the order the sink sends them (the
 *       samples' order where that order depends on more than the samples), skips in the samples' order.</li>
 * </ul>
 *
 * @param <C> the sink type's config record, as {@link SinkType#bind} returned it
 */
public interface RendersSamples<C> {

    /**
     * Renders what a sink of {@code config} would send for {@code samples} to {@code out}.
     * Rendered lines hold no line break of their own; each call to {@link Output#line} is one line.
     */
    void render(C config, List<Sample> samples, Output out);

    /** Receives a rendering, on the thread that called {@link #render}. */
    interface Output {

        /** One line of what the sink would send: one value, or one message it sends besides the values. */
        void line(String text);

        /** {@code sample} would not be sent, for {@code reason} (a short phrase such as {@code non-finite value}). */
        void skipped(Sample sample, String reason);
    }
}
