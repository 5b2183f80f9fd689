"""The interactive page's size and time: `optiroll render --format html` for the book's figure.

Prints the page's bytes before compression against the issue's 150 KB budget (with the default
learning-rate grid, every run's numbers inlined), what the data, the script and the style take of
it, and the time to write it. Run: .venv/bin/python benchmarks/html_page.py
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from pathlib import Path

from optiroll.optim.experiment import build_experiment
from optiroll.plan.request import RenderRequest
from optiroll.web.page import write_page

BUDGET = 150_000


def main() -> None:
    settings = RenderRequest(format="html").resolve()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.html"
        started = time.perf_counter()
        report = write_page(settings, build_experiment(), path, ["benchmark"])
        seconds = time.perf_counter() - started
        html = path.read_text(encoding="utf-8")
    data = re.search(r'id="optiroll-data">(.*?)</script>', html, re.S).group(1)
    factors = json.loads(data.replace("<\\/", "</"))["lr_grid"]["factors"]
    size = len(html.encode())
    print(f"book figure page, learning rates x{', x'.join(f'{f:g}' for f in factors)}:")
    print(f"  {size / 1000:.1f} KB ({'within' if size <= BUDGET else 'OVER'} the 150 KB budget)")
    print(f"  gzip: {len(gzip.compress(html.encode())) / 1000:.1f} KB")
    print(f"  data {len(data.encode()) / 1000:.1f} KB, {report.runs} runs")
    print(f"  written in {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
