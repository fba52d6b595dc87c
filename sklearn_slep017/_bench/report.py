# SPDX-License-Identifier: BSD-3-Clause
"""What ``python -m sklearn_slep017 bench`` writes: the Markdown table, the
plot and the JSON record of a run of :mod:`sklearn_slep017._bench.harness`."""

import json
import sys
from pathlib import Path

__all__ = ["fmt_bytes", "fmt_time", "format_markdown", "plot", "write_results"]


def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return "%.3g %s" % (seconds / scale, unit)
    return "%.3g ns" % (seconds / 1e-9)


def fmt_bytes(n):
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return "%.3g %s" % (n / scale, unit)
    return "%d B" % n


def format_markdown(results, notes=True):
    """Render benchmark results as a Markdown table.

    Parameters
    ----------
    results : dict
        As returned by :func:`sklearn_slep017._bench.harness.run_benchmark`.
    notes : bool, default=True
        Precede the table with the machine, the versions and what each
        implementation is.

    Returns
    -------
    text : str
        The Markdown, ending with a newline.
    """
    lines = []
    if notes:
        m, s = results["machine"], results["settings"]
        lines += [
            "# clone benchmark",
            "",
            "Python %s, scikit-learn %s, numpy %s, sklearn_slep017 %s; %s; "
            "%s CPUs (%s usable); load average %s at start, %s at end; %s."
            % (m["python"], m["sklearn"], m["numpy"], m["sklearn_slep017"],
               m["platform"], m["cpu_count"], m["cpu_count_usable"],
               _fmt_load(m["loadavg_start"]), _fmt_load(m.get("loadavg_end")),
               m["date"]),
            "",
            "All implementations were timed in one process, interleaved "
            "round-robin within each repeat (the first one rotating); median of "
            "the repeats with min and max. Before each sample: `gc.collect()`, "
            "then one untimed warm-up call on the smallest tree of the same "
            "family (a collection, and enable()/disable() around the `reference` "
            "samples, leave the next call cold). The collector stays enabled "
            "while timing. A sample of a fast call is the mean of a loop lasting "
            "at least %s, every result kept alive until the clock stops. Peak "
            "memory: tracemalloc peak during one call, the clone itself "
            "included, measured in a separate pass." % fmt_time(s["min_sample_time_s"]),
            "",
        ]
        lines += ["- `%s`: %s" % (name, desc)
                  for name, desc in results["implementations"].items()]
        lines += [
            "",
            "Repeats per workload: %s."
            % ", ".join("%s: %d" % kv for kv in s["repeats"].items()),
            "",
        ]
        mismatched = [e for e in results["results"] if e.get("matches_upstream") is False]
        for e in mismatched:
            lines.append("**Warning**: `%s` did not build the same tree as upstream "
                         "on %s." % (e["implementation"], e["workload"]))
        if mismatched:
            lines.append("")
    lines += [
        "| workload | nodes | implementation | median | min - max | per node "
        "| x faster than upstream | x of floor | x of exact floor | peak memory |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in results["results"]:
        if "error" in e:
            lines.append("| %s | %d | %s | failed: %s | | | | | | |" % (
                e["workload"], e["nodes"], e["implementation"],
                e["error"].replace("|", "/").splitlines()[0][:120]))
            continue
        lines.append(
            "| %s | %d | %s | %s | %s - %s | %.3g us | %s | %s | %s | %s |"
            % (e["workload"], e["nodes"], e["implementation"], fmt_time(e["median_s"]),
               fmt_time(e["min_s"]), fmt_time(e["max_s"]), e["per_node_us"],
               _fmt_ratio(e["speedup_vs_upstream"]), _fmt_ratio(e["ratio_vs_floor"]),
               _fmt_ratio(e.get("ratio_vs_exact_floor")), fmt_bytes(e["peak_memory_bytes"]))
        )
    return "\n".join(lines) + "\n"


def _fmt_ratio(ratio):
    return "n/a" if ratio is None else "%.3g" % ratio


def _fmt_load(load):
    return "n/a" if not load else "%.2f" % load[0]


def plot(results, path):
    """Plot clone time against tree size, and every workload's speed-up.

    Left: time per clone of the nested-pipeline workloads against their
    size, one line per implementation. Right: how many times faster than
    upstream each implementation is on every workload (numpy and flat ones
    included), as bars.

    Parameters
    ----------
    results : dict
        As returned by :func:`sklearn_slep017._bench.harness.run_benchmark`.
    path : str or path-like
        Where to save the PNG.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    m = results["machine"]
    fig, (ax, bars) = plt.subplots(
        1, 2, figsize=(14, 5.5), dpi=120, gridspec_kw=dict(width_ratios=(1.2, 1))
    )
    styles = {
        "upstream": dict(color="tab:red", marker="o"),
        "reference": dict(color="tab:blue", marker="s"),
        "reference-standalone": dict(color="tab:purple", marker="v"),
        "compiled": dict(color="tab:green", marker="D"),
        "floor": dict(color="0.35", marker="x", linestyle="--"),
        "exact-floor": dict(color="0.6", marker="+", linestyle=":"),
    }
    # The nested pipelines against their size; without them (a run on the
    # user's own trees), those trees against theirs.
    curve = "nested" if any(e["kind"] == "nested" for e in results["results"]) else "user"
    for name in results["implementations"]:
        rows = sorted(
            (e for e in results["results"]
             if e["kind"] == curve and e["implementation"] == name
             and "error" not in e),
            key=lambda e: e["nodes"],
        )
        if not rows:
            continue
        x = [e["nodes"] for e in rows]
        y = [e["median_s"] for e in rows]
        yerr = [[e["median_s"] - e["min_s"] for e in rows],
                [e["max_s"] - e["median_s"] for e in rows]]
        ax.errorbar(x, y, yerr=yerr, label=name, capsize=3, linewidth=1.5,
                    markersize=5, **styles.get(name, {}))
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Ticks where the workloads are, so each point reads as "nodes (W)".
    sizes = sorted({(e["nodes"], e["size"]) for e in results["results"]
                    if e["kind"] == curve})
    if sizes and curve == "nested":
        ax.set_xticks([n for n, _ in sizes])
        ax.set_xticklabels(["%d\n(W=%d)" % (n, w) for n, w in sizes])
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("estimator nodes in the nested pipeline (width W)")
    elif sizes:
        labels = {}
        for e in results["results"]:
            if e["kind"] == "user":
                labels.setdefault(e["nodes"], []).append(e["workload"])
        ax.set_xticks(sorted(labels))
        ax.set_xticklabels(["%d\n%s" % (n, "\n".join(labels[n])) for n in sorted(labels)],
                           fontsize=7)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("estimator nodes of your tree")
    ax.set_ylabel("time per clone (s), median; bars: min to max")
    ax.set_title(
        "clone time vs tree size\nPython %s, scikit-learn %s, numpy %s, "
        "sklearn_slep017 %s, %s CPUs"
        % (m["python"], m["sklearn"], m["numpy"], m["sklearn_slep017"], m["cpu_count"]),
        fontsize=10,
    )
    ax.grid(True, which="major", alpha=0.5)
    ax.grid(True, which="minor", alpha=0.15)
    ax.legend(title="implementation", fontsize=9)
    _plot_speedups(bars, results, styles)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_speedups(ax, results, styles):
    # One group of bars per workload, in the order they ran (top to bottom).
    workloads = list(dict.fromkeys(e["workload"] for e in results["results"]))
    shown = [name for name in results["implementations"] if name != "upstream"]
    height = 0.8 / max(len(shown), 1)
    for k, name in enumerate(shown):
        rows = {e["workload"]: e for e in results["results"]
                if e["implementation"] == name and "error" not in e
                and e.get("speedup_vs_upstream")}
        y = [i + k * height for i, w in enumerate(workloads) if w in rows]
        x = [rows[w]["speedup_vs_upstream"] for w in workloads if w in rows]
        color = styles.get(name, {}).get("color")
        ax.barh(y, x, height=height, color=color, label=name, alpha=0.85)
        for yi, xi in zip(y, x):
            ax.text(xi, yi, " %.3gx" % xi, va="center", fontsize=7)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(workloads))])
    ax.set_yticklabels(workloads, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1.0, color=styles["upstream"]["color"], linewidth=1)
    ax.set_xlabel("x faster than upstream (median; log scale; upstream = 1)")
    ax.set_title("speed-up over upstream, every workload", fontsize=10)
    ax.grid(True, axis="x", which="major", alpha=0.5)
    # room on the right for the labels, the legend under the axes
    left, right = ax.get_xlim()
    ax.set_xlim(left, right * 1.6)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=len(shown))


def write_results(results, output):
    """Write ``results.json``, ``results.md`` and ``clone_time.png``.

    Parameters
    ----------
    results : dict
        As returned by :func:`sklearn_slep017._bench.harness.run_benchmark`.
    output : str or path-like
        The directory, created if missing.

    Returns
    -------
    paths : list of pathlib.Path
        The files written. The PNG is left out, with a note on stderr, when
        matplotlib is not installed (it comes with the ``bench`` extra).
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    paths = [output / "results.json", output / "results.md"]
    paths[0].write_text(json.dumps(results, indent=2, default=_json_default) + "\n")
    paths[1].write_text(format_markdown(results))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is not installed: no plot (pip install "
              "'sklearn-slep017[bench]')", file=sys.stderr)
    else:
        paths.append(output / "clone_time.png")
        plot(results, paths[-1])
    return paths


def _json_default(obj):
    if isinstance(obj, type):
        return "%s.%s" % (obj.__module__, obj.__qualname__)
    raise TypeError("not JSON serialisable: %r" % (obj,))
