"""Speed-up over upstream's clone, per workload, from the recorded run.

Drawn at documentation build time (``.. plot::``) from
``docs/performance/results.json``, the run recorded by ``make docs-bench``.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

HERE = Path("performance") if Path("performance").is_dir() else Path(__file__).parent
results = json.loads((HERE / "results.json").read_text())["results"]

IMPLEMENTATIONS = ["reference", "compiled", "floor"]
COLORS = {"reference": "tab:blue", "compiled": "tab:green", "floor": "0.45"}
workloads = list(dict.fromkeys(r["workload"] for r in results))
ratio = {
    (r["workload"], r["implementation"]): r["speedup_vs_upstream"] for r in results
}
nodes = {r["workload"]: r["nodes"] for r in results}

fig, ax = plt.subplots(figsize=(8, 3.8))
x = np.arange(len(workloads))
width = 0.8 / len(IMPLEMENTATIONS)
for i, impl in enumerate(IMPLEMENTATIONS):
    values = [ratio.get((w, impl), np.nan) for w in workloads]
    bars = ax.bar(x + (i - 1) * width, values, width, label=impl, color=COLORS[impl])
    ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
ax.axhline(1, color="tab:red", linewidth=1, label="upstream (1x)")
ax.set_xticks(x, ["%s\n(%d nodes)" % (w, nodes[w]) for w in workloads], fontsize=8)
ax.set_ylabel("times faster than upstream clone")
ax.set_yscale("log")
ax.set_title("Speed-up over sklearn.base.clone (median of the recorded run)")
ax.legend(fontsize=8, ncols=4, loc="upper left")
ax.set_ylim(0.5, max(v for v in ratio.values() if v == v) * 4)
fig.tight_layout()
