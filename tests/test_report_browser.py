"""The HTML report in a real browser: tools/browser renders it in headless Chromium
(installed from the npm registry with `npm install`, nothing downloaded at run time) and
tells the A4 pages, the network requests, the console errors, the elements that
overflow and the phone numbers, amounts, e-mails and dates split across lines on paper.
Skipped where `node` or the tool's node_modules are missing (INTERTEX_BROWSER_TOOL may
name another copy of the tool)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intertex_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
TARN = ROOT / "examples" / "tissage-tarn.yaml"


def _tool() -> Path | None:
    for d in (os.environ.get("INTERTEX_BROWSER_TOOL"), ROOT / "tools" / "browser"):
        if d and (Path(d) / "render.mjs").is_file() and (Path(d) / "node_modules").is_dir():
            return Path(d)
    return None


TOOL = _tool()
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or TOOL is None,
    reason="no node, or no tools/browser/node_modules (cd tools/browser && npm install)",
)


def _render(html: Path, prefix: Path) -> dict:
    done = subprocess.run(
        ["node", str(TOOL / "render.mjs"), str(html), str(prefix)],
        capture_output=True,
        text=True,
        timeout=600,  # a hung browser fails the test instead of the whole run
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _report(tmp_path: Path, day: str, lang: str) -> Path:
    html = tmp_path / "plan.html"
    args = ["check", "--answers", str(TARN), "--report", str(html), "--date", day]
    r = CliRunner().invoke(app, [*args, "--lang", lang])
    assert r.exit_code == 0, r.output
    return html


@pytest.mark.parametrize(
    "day, lang", [("2026-06-01", "fr"), ("2017-12-31", "fr"), ("2026-06-01", "en")]
)
def test_the_tarn_plan_prints_on_three_pages_at_most(tmp_path, day, lang):
    got = _render(_report(tmp_path, day, lang), tmp_path / "plan")
    assert got["pdf_pages"] <= 3, got["pdf_pages"]
    assert got["network_requests"] == []
    assert got["console_errors"] == []
    assert got["overflowing"] == []
    assert got["broken"] == []  # phone numbers, amounts, e-mails, dates: each on one line
    assert all(Path(p).stat().st_size > 0 for p in got["screenshots"])


def test_the_plan_part_fits_the_first_page(tmp_path):
    """The first page holds the plan, its total, this week's steps and the contacts:
    the page cut before the details holds on one sheet by itself."""
    page = _report(tmp_path, "2026-06-01", "fr").read_text(encoding="utf-8")
    first, details = page.split('</div><div class="details">')
    assert "Total des aides chiffrées" in first and "Cette semaine" in first
    assert "05\u00a061\u00a011\u00a052\u00a000" in first  # the nearest office's phone, whole
    assert "Vos réponses" in details and "Le statut de chaque dispositif" in details
    alone = tmp_path / "first.html"
    alone.write_text(first + re.sub(r"(?s).*?</footer>", "", details, count=1), encoding="utf-8")
    assert _render(alone, tmp_path / "first")["pdf_pages"] == 1
