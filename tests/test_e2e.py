"""End to end in a real pseudo-terminal, as a person types (pexpect)."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def spawn(args, cwd):
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "COLUMNS": "120",
        "LINES": "40",
        "TERM": "xterm",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "intertex_cli", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_answer_a_few_questions_then_ctrl_c(tmp_path):
    child = spawn(["check", "--lang", "fr"], tmp_path)
    child.expect("Que voulez-vous faire")
    child.send("\x1b[B\x1b[B \r")  # the third project: trade fairs
    child.expect("département")
    child.send("Tarn\r")  # a name works as well as a number
    child.expect(r"\?")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (saved,) = tmp_path.glob("intertex-reponses-*.yaml")
    assert yaml.safe_load(saved.read_text(encoding="utf-8")) == {
        "department": "81",
        "projects": ["trade-fairs"],
    }
    assert "Traceback" not in child.before


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_resume_from_a_file_to_the_results(tmp_path):
    answers = yaml.safe_load((ROOT / "examples" / "tissage-tarn.yaml").read_text(encoding="utf-8"))
    answers.pop("project_budget_eur")
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump(answers), encoding="utf-8")
    child = spawn(["check", "--answers", str(f), "--ask-missing", "--lang", "fr"], tmp_path)
    child.expect("Budget HT")  # the file says the project: a trade fair
    child.send("abc\r")  # invalid: the prompt says why and stays
    child.expect("Un nombre")
    child.send("\x7f\x7f\x7f30k\r")
    child.expect("Vérifiez vos réponses")
    child.send("\r")
    child.expect("Votre plan")
    child.expect("Enregistrer le plan")
    out = child.before
    child.send("n\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "50 % × 30 000 € = 15 000 €" in out
    # saved after the wizard, into the file it resumed: no new file beside it
    assert yaml.safe_load(f.read_text(encoding="utf-8"))["project_budget_eur"] == 30_000
    assert not list(tmp_path.glob("intertex-reponses-*.yaml"))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_no_terminal_never_hangs(tmp_path):
    import subprocess

    r = subprocess.run(
        [sys.executable, "-m", "intertex_cli", "check"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert r.returncode == 2 and "--answers" in r.stderr
