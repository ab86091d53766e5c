#!/usr/bin/env python3
"""Plots docs/scaling.csv (written by EndToEndThroughput --scaling) as docs/scaling.png.

Left: samples/s each sink delivered while saturated. Right: time from a scrape to the answer for its last
row, one collect per second. Both against the series per scrape, log-log, one line per number of sinks.
Needs matplotlib (Debian: apt-get install python3-matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(csv_path, png_path):
    rows = list(csv.DictReader(open(csv_path)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for sinks in sorted({int(r["sinks"]) for r in rows}):
        points = sorted((int(r["series"]), r) for r in rows if int(r["sinks"]) == sinks)
        series = [s for s, _ in points]
        label = f"{sinks} sink" + ("" if sinks == 1 else "s")
        left.plot(series, [float(r["samples_per_s"]) for _, r in points], marker="o", label=label)
        right.plot(series, [float(r["scrape_p50_ms"]) for _, r in points], marker="o", label=label + ", median")
        right.plot(series, [float(r["scrape_max_ms"]) for _, r in points], marker="x", linestyle="--",
                   label=label + ", slowest")
    left.set(xscale="log", yscale="log", xlabel="series per scrape", ylabel="samples/s delivered per sink",
             title="Saturated throughput (64 MiB heap" + (", file ledger)" if rows[0].get("ledger") == "file"
                                                          else ")"))
    right.set(xscale="log", yscale="log", xlabel="series per scrape", ylabel="ms",
              title="Scrape to last row answered (1 collect/s)")
    for axis in (left, right):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    fig.text(0.01, 0.01, "2 shared vCPUs; absolute values are noisy, compare shapes. "
             "Source: scripts/bench-scaling.sh", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
