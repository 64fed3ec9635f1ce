"""`chromium --headless --dump-dom` of /board/#key=<viewer key>: the rendered DOM holds the test hooks with data."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.e2e.browser.conftest import Demo, chromium_or_skip


def dump_dom(url: str, profile: Path) -> str:
    # Virtual time lets the page's fetches settle before the DOM is printed, without a fixed sleep.
    command = [chromium_or_skip(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--virtual-time-budget=15000", "--dump-dom", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_dump_dom_holds_heatmap_cells_order_cards_and_kpi_cards(demo: Demo, tmp_path: Path) -> None:
    dom = dump_dom(f"{demo.url}/board/#key={demo.keys['viewer']}", tmp_path / "profile")
    cells = re.findall(r'<button[^>]*data-testid="heatmap-cell"[^>]*>', dom)
    assert len(cells) >= 5 * 8, dom[:2000]
    for cell in cells:
        assert re.search(r'data-line="[^"]+"', cell) and re.search(r'data-week="\d{4}-\d{2}-\d{2}"', cell)
        assert re.search(r'data-utilization="\d+(\.\d+)?"', cell), cell
    cards = re.findall(r'<button[^>]*data-testid="order-card"[^>]*>', dom)
    assert cards and all(re.search(r'data-code="SO-\d+"', card) for card in cards)
    assert len(re.findall(r'data-testid="kpi-card"', dom)) == 13
    assert 'data-testid="quote-result"' in dom
    assert demo.keys["viewer"] not in dom, "the key is not written into the page"
