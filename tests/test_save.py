"""Saving answers: nothing lost (atomic writes), nothing dropped (comments, unknown keys)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from intertex_cli.answers import render, save
from intertex_cli.cli import app
from intertex_cli.engine.profile import Profile
from intertex_cli.errors import AnswersError
from intertex_cli.files import safeio

ROOT = Path(__file__).resolve().parents[1]

COMMENTED = """\
# Client : Tissage du Tarn — dossier suivi par Mme Roux
department: 81        # siège à Castres
headcount: 20
turnover_eur: 3200000 # exercice 2017
notes_conseiller: rappeler en septembre
independent: oui
equity_eur: je ne sais pas
contact:
  nom: Mme Roux
  tel: "05 63 00 00 00"
"""


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_saving_over_the_answers_file_keeps_it_as_written(tmp_path):
    """Defect 8: --answers F --save F erased comments and unknown keys. Nothing
    changed, so nothing is rewritten: the file stays byte for byte."""
    f = tmp_path / "client.yaml"
    f.write_text(COMMENTED, encoding="utf-8")
    r = run("check", "--answers", str(f), "--save", str(f), "--format", "json", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert 'unknown key "notes_conseiller"' in r.stderr  # reported, and still kept
    assert f.read_text(encoding="utf-8") == COMMENTED


def test_changed_answers_change_only_their_lines(tmp_path):
    profile = Profile(
        {
            "department": "81",
            "region": "occitanie",
            "headcount": 25,  # changed
            "turnover_eur": 3_200_000,
            "independent": True,
            "activity": "manufacturing",  # new
        },
        frozenset({"equity_eur"}),
    )
    text = render(profile, tmp_path / "client.yaml", COMMENTED)
    lines = text.splitlines()
    assert lines[0] == "# Client : Tissage du Tarn — dossier suivi par Mme Roux"
    assert "department: 81        # siège à Castres" in lines  # same value: kept as typed
    assert "headcount: 25" in lines
    assert "turnover_eur: 3200000 # exercice 2017" in lines
    assert "independent: oui" in lines and "equity_eur: je ne sais pas" in lines
    assert "notes_conseiller: rappeler en septembre" in lines
    assert '  tel: "05 63 00 00 00"' in lines
    assert lines[-1] == "activity: manufacturing"
    data = yaml.safe_load(text)
    assert data["headcount"] == 25 and data["contact"]["nom"] == "Mme Roux"


def test_a_changed_value_keeps_its_comment_and_a_dropped_one_goes(tmp_path):
    existing = "turnover_eur: 3200000   # exercice 2017\nregion: occitanie\nheadcount: 20\n"
    profile = Profile({"turnover_eur": 4_000_000, "headcount": 20}, frozenset())
    text = render(profile, tmp_path / "a.yaml", existing)
    assert text == "turnover_eur: 4000000   # exercice 2017\nheadcount: 20\n"


def test_a_block_value_is_replaced_whole(tmp_path):
    existing = "headcount:\n  min: 20\n  max: 49\n# fin\nextra: 1\n"
    text = render(Profile({"headcount": 30}, frozenset()), tmp_path / "a.yaml", existing)
    assert text == "headcount: 30\n# fin\nextra: 1\n"


def test_a_flow_mapping_is_written_again_with_its_unknown_keys(tmp_path):
    existing = "{headcount: 20, extra: [1, 2]}\n"
    text = render(Profile({"headcount": 21}, frozenset()), tmp_path / "a.yaml", existing)
    assert yaml.safe_load(text) == {"extra": [1, 2], "headcount": 21}


def test_save_json_keeps_unknown_keys_and_order(tmp_path):
    f = tmp_path / "client.json"
    f.write_text(json.dumps({"client": "Roux", "headcount": 20, "department": "81"}), "utf-8")
    save(Profile({"headcount": 22, "department": "81"}, frozenset({"equity_eur"})), f)
    data = json.loads(f.read_text(encoding="utf-8"))
    assert list(data) == ["client", "headcount", "department", "equity_eur"]
    assert data["headcount"] == 22 and data["equity_eur"] is None


def test_save_json_is_read_back(tmp_path):
    out = tmp_path / "out.json"
    r = run("check", "--answers", str(ROOT / "examples" / "tissage-tarn.yaml"), "--save", str(out))
    assert r.exit_code == 0, r.output
    r2 = run("check", "--answers", str(out), "--format", "json")
    assert r2.exit_code == 0, r2.output
    assert json.loads(r2.stdout)["answers"]["department"] == "81"


def test_a_full_disk_leaves_the_old_file_and_says_so(tmp_path, monkeypatch):
    """Defect 1: a failed write used to leave the answers file at 0 bytes."""
    f = tmp_path / "client.yaml"
    f.write_text(COMMENTED, encoding="utf-8")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safeio.os, "write", full)
    with pytest.raises(AnswersError) as e:
        save(Profile({"headcount": 99}, frozenset()), f)
    assert "no space left on the device" in e.value.message
    assert "left as it was" in e.value.message
    assert f.read_text(encoding="utf-8") == COMMENTED
    assert [p.name for p in tmp_path.iterdir()] == ["client.yaml"]  # no temporary file left


def test_a_failed_write_through_the_cli_exits_2(tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text("headcount: 20\n", encoding="utf-8")
    src = tmp_path / "src.yaml"
    src.write_text("headcount: 30\n", encoding="utf-8")
    monkeypatch.setattr(
        safeio.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error"))
    )
    r = run("check", "--answers", str(src), "--save", str(f))
    assert r.exit_code == 2, r.output
    assert "input/output error" in r.stderr and "left as it was" in r.stderr
    assert f.read_text(encoding="utf-8") == "headcount: 20\n"


def test_write_atomic_keeps_permissions_and_follows_links(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    safeio.write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert os.stat(real).st_mode & 0o777 == 0o640


def test_write_atomic_refuses_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(safeio.FileProblem, match="device"):
        safeio.write_atomic("/dev/null", "x")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(safeio.FileProblem, match="FIFO"):
        safeio.write_atomic(fifo, "x")


def test_read_regular_bounds(tmp_path):
    f = tmp_path / "a"
    f.write_bytes(b"x" * 11)
    assert safeio.read_regular(f, 11) == b"x" * 11
    with pytest.raises(safeio.FileProblem, match="larger than 10 bytes"):
        safeio.read_regular(f, 10)
    with pytest.raises(safeio.FileProblem, match="folder"):
        safeio.read_regular(tmp_path, 10)
