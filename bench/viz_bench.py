"""Time to first draw of GovKG views in headless Chromium.

Builds synthetic GovKG-shaped graphs (kg.export.synthetic) of 200, 2,000 and
10,000 nodes, writes each through the same code path as `kg viz`
(kg.export.html.write_html; the 10,000-node view with the cap raised so it is
drawn whole), opens it from file:// in Debian's chromium and reports:

  write_s   Python: layout + HTML
  draw_ms   browser: navigation start -> first vis-network 'afterDrawing'
  wall_s    driver.get() -> draw seen by the poller

Target: draw_ms < 5,000 for 2,000 nodes.  Run:  .venv/bin/python bench/viz_bench.py [SIZES...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from kg.export.browser import browser_missing, headless_chromium, open_view
from kg.export.html import write_html
from kg.export.synthetic import synthetic_graph

SIZES = (200, 2_000, 10_000)
TARGET_MS = {2_000: 5_000}


def main(sizes: tuple[int, ...] = SIZES) -> int:
    reason = browser_missing()
    if reason:
        print(f"skipped: {reason}")
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp, headless_chromium() as driver:
        for n in sizes:
            G = synthetic_graph(n)
            start = time.perf_counter()
            view = write_html(G, Path(tmp) / f"synthetic-{n}.html", title=f"synthetic {n:,}", max_nodes=max(n, 5_000))
            write_s = time.perf_counter() - start
            result = open_view(driver, view.path, timeout=300)
            outside = [u for u in result.resources if not u.startswith(("file:", "data:", "about:"))]
            rows.append((n, G.number_of_edges(), result.drawn_nodes, view.path.stat().st_size / 1e6,
                         write_s, result.first_draw_ms, result.wall_s, len(outside)))
    print(f"{'nodes':>7} {'edges':>7} {'drawn':>7} {'MB':>6} {'write_s':>8} {'draw_ms':>8} {'wall_s':>7} {'external':>8}")
    failed = False
    for n, m, drawn, mb, write_s, draw_ms, wall_s, outside in rows:
        flag = ""
        if n in TARGET_MS and draw_ms > TARGET_MS[n]:
            flag, failed = f"  > target {TARGET_MS[n]:,} ms", True
        print(f"{n:>7,} {m:>7,} {drawn:>7,} {mb:>6.2f} {write_s:>8.2f} {draw_ms:>8.0f} {wall_s:>7.2f} {outside:>8}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(tuple(int(a) for a in sys.argv[1:]) or SIZES))
