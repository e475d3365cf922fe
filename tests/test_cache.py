"""The catalogue cache: same answers as the validated catalogue, never stale, never code.

Defects 3 and 4 of issue #7: a pickle anyone could plant ran code; an edit that kept
a file's size and mtime was never seen.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import time
from pathlib import Path

import pytest

from intertex_cli.answers import parse
from intertex_cli.catalog import cache
from intertex_cli.catalog import loader as cat_mod
from intertex_cli.engine.rules import evaluate
from intertex_cli.errors import CatalogError
from intertex_cli.views.present import scheme_json

BUILTIN = Path(cat_mod.builtin_dir())


def test_cached_catalogue_equals_the_validated_one(catalog, cached_catalog):
    assert list(cached_catalog.schemes) == list(catalog.schemes)
    for sid, s in catalog.schemes.items():
        assert scheme_json(cached_catalog.schemes[sid], cached_catalog) == scheme_json(s, catalog)
    p, _ = parse(
        {"department": "81", "headcount": 20, "independent": True, "project_budget_eur": 30000}
    )
    a = [(r.id, r.verdict, r.missing, r.estimate) for r in evaluate(catalog.schemes.values(), p)]
    b = [
        (r.id, r.verdict, r.missing, r.estimate)
        for r in evaluate(cached_catalog.schemes.values(), p)
    ]
    assert a == b


# --------------------------------------------------------------------------- fixtures


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A cache of its own, files counted as settled at once (no racy window)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)
    return tmp_path / "xdg" / "intertex"


def _catalogue(tmp_path: Path, *ids: str) -> Path:
    d = tmp_path / "cat"
    d.mkdir(exist_ok=True)
    for i in ids or ("vie-bf", "vie-occ"):
        shutil.copy(BUILTIN / f"{i}.yaml", d)
    return d


def _cached(d: Path) -> bool:
    """Loaded from the cache as it was, not validated from YAML (nor made again)."""
    cat = cat_mod.load(d)
    return cat.source is not None and not cat.source.built


def _cache_files(home: Path) -> list[Path]:
    return sorted(home.glob("catalog-*"))


def _add_keyword(card: Path) -> None:
    """An edit of a card that shows: the keyword "zorglub" added."""
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("keywords: [", "keywords: [zorglub, ", 1), encoding="utf-8")


def _tick() -> None:
    time.sleep(0.05)  # past the file system's clock tick: a new ctime


# --------------------------------------------------------------------------- plain data


def test_the_cache_is_plain_json_in_a_private_folder(tmp_path, home):
    d = _catalogue(tmp_path)
    assert not _cached(d)
    assert _cached(d)
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    (f,) = _cache_files(home)
    assert f.suffix == ".jsonl"
    assert stat.S_IMODE(os.stat(f).st_mode) & 0o077 == 0
    for line in f.read_bytes().splitlines():
        json.loads(line)  # every line is JSON: nothing in it can run


class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_never_runs(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    marker = tmp_path / "pwned"
    payload = _Payload()
    payload.marker = marker
    home.mkdir(parents=True, exist_ok=True)
    # where intertex 0.1 looked, and in place of today's file
    key = cache.fingerprint(d, cat_mod._files(d)[0] + cat_mod._files(d)[1])
    old = home / f"catalog-{key[:32]}.pickle"
    old.write_bytes(pickle.dumps((key, payload)))
    for f in _cache_files(home):
        if f.suffix == ".jsonl":
            f.write_bytes(pickle.dumps((key, payload)))
    cat = cat_mod.load(d)
    assert list(cat.schemes) == ["vie-bf", "vie-occ"]
    assert cat.schemes["vie-bf"].title.startswith("Volontariat")
    assert not marker.exists()
    assert not old.exists()  # old versions are removed when a new cache is written


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
        "extended",
        "torn-header",
        "huge-section",
        "huge-part",
        "another-key",
        "another-format",
        "record-bytes",
        "record-swapped",
        "summary-bytes",
        "deep-header",
        "deep-index",
        "deep-summary",
        "deep-record",
        "one-span-for-every-summary",
    ],
)
def test_a_cache_file_that_does_not_validate_is_ignored(tmp_path, home, damage):
    d = _catalogue(tmp_path)
    expected = {
        sid: scheme_json(s, cat) for cat in [cat_mod.load(d)] for sid, s in cat.schemes.items()
    }
    (f,) = _cache_files(home)
    raw = f.read_bytes()
    head, body = _split(raw)
    if damage == "garbage":
        raw = b"\x80\x04not json at all"
    elif damage == "truncated":
        raw = raw[:-10]
    elif damage == "torn-header":  # half of a header being rewritten
        raw = raw[:100] + b"0" + raw[101:]
    elif damage == "huge-section":  # a span past the end: never read whole
        head["sections"]["links"][1] = 10**15
        raw = cache.header(head) + body
    elif damage == "huge-part":
        index = json.loads(_section(raw, head, "index"))
        index["summaries"][1] = 10**15
        raw = _moved_section(raw, head, "index", _dumps(index))
    elif damage == "another-key":
        head["key"] = "0" * 64
        raw = cache.header(head) + body
    elif damage == "another-format":
        head["format"] = 1
        raw = cache.header(head) + body
    elif damage in ("record-bytes", "summary-bytes"):
        kind = "records" if damage == "record-bytes" else "summaries"
        offset, length, _ = json.loads(_section(raw, head, "index"))[kind][:3]
        at = cache.HEAD + offset + length // 2
        raw = raw[:at] + (b"X" if raw[at : at + 1] != b"X" else b"Y") + raw[at + 1 :]
    elif damage == "record-swapped":  # a valid record under another scheme's name
        index = json.loads(_section(raw, head, "index"))
        r = index["records"]  # flat: offset, length, CRC of each card's
        index["records"] = r[3:6] + r[:3]
        raw = _replace_section(
            raw, head, "index", json.dumps(index, separators=(",", ":")).encode()
        )
    elif damage == "deep-header":  # RecursionError before its CRC was checked
        raw = b"[" * (cache.HEAD - 1) + b"\n" + body
    elif damage.startswith("deep-"):  # JSON nested too deep to parse, its CRC right
        deep = b"[" * 100_000 + b"]" * 100_000
        if damage == "deep-index":
            raw = _moved_section(raw, head, "index", deep)
        else:
            kind = "summaries" if damage == "deep-summary" else "records"
            index = json.loads(_section(raw, head, "index"))
            raw = _moved_section(raw, head, "deep", deep)
            index[kind][:3] = head["sections"].pop("deep")
            raw = _moved_section(raw, head, "index", _dumps(index))
    elif damage == "one-span-for-every-summary":  # read once per card: n times the file
        import zlib

        index = json.loads(_section(raw, head, "index"))
        n, length = len(index["ids"]), len(body) * 2 // 3
        index["summaries"] = [0, length, zlib.crc32(body[:length]) & 0xFFFFFFFF] * n
        raw = _moved_section(raw, head, "index", _dumps(index))
    f.write_bytes(raw)
    cat = cat_mod.load(d)
    if damage == "one-span-for-every-summary":
        assert cat.source.built  # refused as it is opened: its spans add up past the file
    titles = [s.title for s in cat.schemes.values()]  # from the summaries, as list reads
    assert titles == [expected[i]["title"] for i in cat.schemes]
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
    cat_mod.load(d)
    assert _cached(d)  # rebuilt


def _dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _moved_section(raw: bytes, head: dict, name: str, data: bytes) -> bytes:
    """A section written anew at the end of the body, every checksum right."""
    import zlib

    body = raw[cache.HEAD :]
    head["sections"][name] = [len(body), len(data), zlib.crc32(data) & 0xFFFFFFFF]
    head["size"] = len(body) + len(data) + 1
    return cache.header(head) + body + data + b"\n"


def _split(raw: bytes) -> tuple[dict, bytes]:
    """A cache file's header (checked) and body."""
    return cache._parse_header(raw[: cache.HEAD]), raw[cache.HEAD :]


def _each(spans: list) -> list:
    """The index's spans (flat: offset, length, CRC, offset…), one by one."""
    return [spans[i : i + 3] for i in range(0, len(spans), 3)]


def _section(raw: bytes, head: dict, name: str) -> bytes:
    offset, length, _ = head["sections"][name]
    return raw[cache.HEAD + offset : cache.HEAD + offset + length]


def _replace_section(raw: bytes, head: dict, name: str, data: bytes) -> bytes:
    """Same length, valid checksums: only the content is wrong."""
    import zlib

    old = _section(raw, head, name)
    data = data.ljust(len(old))[: len(old)] if len(data) <= len(old) else data
    assert len(data) == len(old)
    head["sections"][name][2] = zlib.crc32(data) & 0xFFFFFFFF
    offset = head["sections"][name][0]
    body = raw[cache.HEAD :]
    body = body[:offset] + data + body[offset + len(old) :]
    return cache.header(head) + body


# --------------------------------------------------------------------------- the folder


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_is_not_used(tmp_path, home, mode):
    home.mkdir(parents=True)
    os.chmod(home, mode)
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert not _cached(d)
    assert _cache_files(home) == []
    assert stat.S_IMODE(os.stat(home).st_mode) == mode  # left as it is


def test_an_older_private_folder_is_tightened(tmp_path, home):
    home.mkdir(parents=True)
    os.chmod(home, 0o755)  # what intertex 0.1 made
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert _cached(d)
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700


def test_a_symlinked_folder_is_not_used(tmp_path, home):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    home.parent.mkdir(parents=True)
    home.symlink_to(elsewhere)
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert not _cached(d)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder away")
def test_a_folder_of_another_user_is_not_used(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert _cached(d)
    os.chown(home, 65534, 65534)
    assert not _cached(d)


def test_a_cache_file_others_can_write_is_not_read(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    (f,) = _cache_files(home)
    os.chmod(f, 0o666)
    assert cache.open_catalog(cache.fingerprint(d, sum(cat_mod._files(d), [])), d) is None


def test_no_cache_where_none_can_be_written(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)
    d = _catalogue(tmp_path)
    assert "vie-bf" in cat_mod.load(d).schemes
    assert "vie-bf" in cat_mod.load(d).schemes


# --------------------------------------------------------------------------- the key


def _edit_keeping_size_and_mtime(f: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    st = f.stat()
    f.write_text(f.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # what touch -r does
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert _cached(d)
    _tick()
    _edit_keeping_size_and_mtime(d / "vie-bf.yaml", "support_type: advice", "support_type: nonsen")
    with pytest.raises(CatalogError):
        cat_mod.load(d)
    _tick()
    _edit_keeping_size_and_mtime(d / "vie-bf.yaml", "support_type: nonsen", "support_type: loan  ")
    assert cat_mod.load(d).schemes["vie-bf"].support_type == "loan"


def test_a_file_copied_with_cp_p_is_seen(tmp_path, home):
    """cp -p and rsync -a write a new file with the old times: another inode."""
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    f = d / "vie-bf.yaml"
    changed = tmp_path / "vie-bf.yaml"
    changed.write_text(
        f.read_text(encoding="utf-8").replace('title: "Volontariat', 'title: "Volontaxiat'),
        encoding="utf-8",
    )
    st = f.stat()
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns))
    _tick()
    os.replace(changed, f)  # as rsync -a does: a temporary file renamed over the old one
    assert cat_mod.load(d).schemes["vie-bf"].title.startswith("Volontaxiat")


def test_a_file_changed_just_now_is_not_cached(tmp_path, home, monkeypatch):
    """Racy files: a second change within the clock tick would keep the stat data."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 60)
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    assert not _cached(d)
    assert _cache_files(home) == []


def test_a_changed_file_is_validated_again(tmp_path, home):
    d = _catalogue(tmp_path, "vie-bf")
    assert cat_mod.load(d).schemes["vie-bf"].title.startswith("Volontariat")
    f = d / "vie-bf.yaml"
    _tick()
    f.write_text(
        f.read_text(encoding="utf-8").replace("support_type: advice", "support_type: nonsense"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError):
        cat_mod.load(d)


def test_one_file_per_catalogue_and_no_more_than_a_few(tmp_path, home, monkeypatch):
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    d = _catalogue(tmp_path)
    for n in range(3):
        _tick()
        with open(d / "vie-bf.yaml", "a", encoding="utf-8") as f:
            f.write(f"# edit {n}\n")
        assert not _cached(d)  # validated again, and written
        assert _cached(d)
        assert len(_cache_files(home)) == 1  # the new version replaced the old
    for i in range(5):
        other = tmp_path / f"other{i}"
        other.mkdir()
        shutil.copy(BUILTIN / "vie-bf.yaml", other)
        cat_mod.load(other)
    assert len(_cache_files(home)) == 3


# --------------------------------------------------------------------------- reading little


def test_show_reads_one_scheme(tmp_path, home, monkeypatch):
    from typer.testing import CliRunner

    from intertex_cli.cli import app

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d, ignore=shutil.ignore_patterns("agencies"))
    cat_mod.load(d)
    read: list[str] = []
    real = cache.CachedCatalog.record

    def counting(self, scheme_id):
        read.append(scheme_id)
        return real(self, scheme_id)

    monkeypatch.setattr(cache.CachedCatalog, "record", counting)
    for fmt in ("table", "json", "markdown"):
        read.clear()
        r = CliRunner().invoke(app, ["show", "pass-export-occ", "--catalog", str(d), "-f", fmt])
        assert r.exit_code == 0, r.output
        assert "Pass Export" in r.output
        assert read == ["pass-export-occ"], (fmt, read)


def test_the_same_catalogue_named_two_ways_has_one_key(tmp_path, home, monkeypatch):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    monkeypatch.chdir(tmp_path)
    assert _cached(Path("cat"))
    assert _cached(Path("cat") / ".." / "cat")


def test_a_cached_catalogue_holds_no_reference_cycle(tmp_path, home):
    """Freed by reference counting: the collector is off during a command, and the
    interpreter's last collection would otherwise walk the whole catalogue at exit."""
    import gc

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d, ignore=shutil.ignore_patterns("agencies"))
    cat_mod.load(d)
    cat = cat_mod.load(d)
    assert cat.source is not None
    p, _ = parse({"department": "31", "headcount": 20, "project_budget_eur": 30000})
    results = evaluate(cat.schemes.values(), p)
    for s in cat.schemes.values():  # summary, check section and whole record, all read
        assert s.funding.components is not None and s.status.value and s.projects
        assert s.funding.terms is not None  # a key the summary lacks: the whole record
    assert scheme_json(cat.schemes["vie-occ"], cat)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        del cat, results, s
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- the planner


def test_the_first_question_kept_in_the_cache_is_the_computed_one(tmp_path, home):
    from intertex_cli.engine.assess import question_schemes
    from intertex_cli.engine.planner import compute_next_question, next_question
    from intertex_cli.engine.rules import Profile

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d, ignore=shutil.ignore_patterns("agencies"))
    cat_mod.load(d)
    cat = cat_mod.load(d)
    schemes = tuple(cat.schemes.values())
    empty, unsure = Profile({}), Profile({}, frozenset({"projects"}))
    for group in (schemes, question_schemes(schemes, unsure)):
        found, key = cat.source.first_question(group)
        assert found
        assert key == compute_next_question(group, empty) is not None
        assert next_question(group, empty) == next_question(group, unsure) == key
    assert cat.source.first_question(schemes[1:]) == (False, None)  # another set: computed
    p, _ = parse({"department": "31"})
    assert next_question(schemes, p) == compute_next_question(schemes, p)


@pytest.mark.parametrize("value", ["not-a-question", '["headcount"]', "{}", "huge"])
def test_a_planner_section_that_does_not_validate_is_ignored(tmp_path, home, value):
    from intertex_cli.engine.planner import compute_next_question, next_question
    from intertex_cli.engine.rules import Profile

    d = _catalogue(tmp_path)
    cat_mod.load(d)
    cat = cat_mod.load(d)  # the first questions are computed when first asked for, and kept
    assert cat.source.first_question(tuple(cat.schemes.values()))[0]
    (f,) = _cache_files(home)
    raw = f.read_bytes()
    head, _ = _split(raw)
    digests = json.loads(_section(raw, head, "planner"))
    if value == "not-a-question":  # the same set of schemes, an unknown key
        value = json.dumps({k: "x" for k in digests}, separators=(",", ":"))
    if value == "huge":  # well formed, but of a size that reading would multiply
        value = json.dumps({**digests, **{f"{i:08d}": None for i in range(10_000)}})
        f.write_bytes(_moved_section(raw, head, "planner", value.encode()))
    else:
        f.write_bytes(_replace_section(raw, head, "planner", value.encode()))
    cat = cat_mod.load(d)
    schemes = tuple(cat.schemes.values())
    assert cat.source.first_question(schemes) == (False, None)
    assert next_question(schemes, Profile({})) == compute_next_question(schemes, Profile({}))
    if value != "{}":  # a bad section: the file goes, the next run writes it again
        assert not f.exists()


# --------------------------------------------------------------------------- per card


def _validated(monkeypatch) -> list[str]:
    """The cards validated from their files from now on (by file name)."""
    from intertex_cli.catalog import build

    seen: list[str] = []
    real = build.read_one

    def counting(path, model, problems):
        seen.append(Path(path).name)
        return real(path, model, problems)

    monkeypatch.setattr(build, "read_one", counting)
    return seen


def test_editing_adding_removing_one_card_validates_that_card(tmp_path, home, monkeypatch):
    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    expected = {sid: scheme_json(s, c) for c in [cat_mod.load(d)] for sid, s in c.schemes.items()}
    seen = _validated(monkeypatch)
    _tick()
    with open(d / "vie-bf.yaml", "a", encoding="utf-8") as f:
        f.write("# an edit\n")
    cat = cat_mod.load(d)
    assert seen == ["vie-bf.yaml"]  # the other 27 cards and the agencies: from the cache
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
    assert _cached(d) and len(_cache_files(home)) == 1
    seen.clear()
    text = (d / "vie-occ.yaml").read_text(encoding="utf-8").replace("id: vie-occ", "id: vie-occ-2")
    (d / "vie-occ-2.yaml").write_text(text, encoding="utf-8")
    cat = cat_mod.load(d)
    assert seen == ["vie-occ-2.yaml"] and "vie-occ-2" in cat.schemes
    seen.clear()
    (d / "vie-occ-2.yaml").unlink()
    (d / "vie-bf.yaml").unlink()
    with pytest.raises(CatalogError) as e:  # a card names the one removed: found, on links
        cat_mod.load(d)
    # then confirmed from the files of the cards it is found on, and those alone
    assert seen and set(seen) == {Path(p.file).name for p in e.value.problems}
    assert any("unknown scheme 'vie-bf'" in p.message and p.line for p in e.value.problems)


def test_a_changed_card_keeps_its_problems_located(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    _tick()
    f = d / "vie-bf.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("support_type: advice", "support_type: x"))
    with pytest.raises(CatalogError) as e:
        cat_mod.load(d)
    (p,) = [p for p in e.value.problems if p.field == "support_type"]
    line = f.read_text(encoding="utf-8").splitlines().index("support_type: x") + 1
    assert (Path(p.file).name, p.line, p.field) == ("vie-bf.yaml", line, "support_type")


def test_a_fifo_in_place_of_the_cache_file_never_blocks(tmp_path, home):
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    (f,) = _cache_files(home)
    f.unlink()
    os.mkfifo(f)
    assert list(cat_mod.load(d).schemes) == ["vie-bf", "vie-occ"]  # no writer: would hang


def test_an_empty_folder_in_place_of_the_cache_file_is_replaced(tmp_path, home):
    """A folder made where the cache file goes: an empty one is removed and the file
    written (else every command would validate every card again); one holding a file
    is kept, and the catalogue is read all the same."""
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    (f,) = _cache_files(home)
    f.unlink()
    f.mkdir()
    assert list(cat_mod.load(d).schemes) == ["vie-bf", "vie-occ"]
    assert f.is_file() and _cached(d)
    f.unlink()
    f.mkdir()
    (f / "keep.txt").write_text("mine", encoding="utf-8")
    assert list(cat_mod.load(d).schemes) == ["vie-bf", "vie-occ"]
    assert (f / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_eight_processes_building_at_once_never_corrupt_the_cache(tmp_path, home):
    import subprocess
    import sys

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    env = {**os.environ, "XDG_CACHE_HOME": str(home.parent)}
    cmd = [sys.executable, "-m", "intertex_cli", "list", "--format", "json", "--catalog", str(d)]
    time.sleep(2.1)  # the files settled: each process writes its cache (RACY_SECONDS)
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE) for _ in range(8)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(outs)) == 1
    (f,) = _cache_files(home)  # one file, whole
    assert not list(home.glob(".tmp-*"))
    assert _cached(d)
    again = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True).stdout
    assert again == outs[0]


def test_eight_processes_after_an_edit_append_in_turn(tmp_path, home):
    """Eight commands right after an edit: each appends to the same file under its lock
    (or holds the catalogue in memory); the file stays whole and serves them all."""
    import subprocess
    import sys

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    env = {**os.environ, "XDG_CACHE_HOME": str(home.parent)}
    cmd = [sys.executable, "-m", "intertex_cli", "list", "--format", "json", "--catalog", str(d)]
    time.sleep(2.1)
    first = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True).stdout
    (f,) = _cache_files(home)
    size = os.stat(f).st_size
    with open(d / "vie-bf.yaml", "a", encoding="utf-8") as g:
        g.write("# an edit\n")
    time.sleep(2.1)
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE) for _ in range(8)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert set(outs) == {first}
    (g,) = _cache_files(home)
    assert os.stat(g).st_size > size  # appended to, not made anew
    assert _cached(d)
    assert subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True).stdout == first


def test_the_shape_file_is_the_models_shape():
    """shape.json is made from the models: after a change of models.py, write it again
    with `python -m intertex_cli.catalog.shape`."""
    from intertex_cli.catalog import shape

    assert shape.FILE.read_text(encoding="utf-8") == shape.dump(shape.generate())


def test_a_lazy_scheme_knows_the_models_fields():
    """A lazy scheme answers a name that is no field without reading its card: its list
    of fields is the models'."""
    from intertex_cli.catalog.models import Scheme
    from intertex_cli.catalog.records import SCHEME_KEYS

    assert SCHEME_KEYS == {f.alias or n for n, f in Scheme.model_fields.items()}


def test_every_cached_part_has_its_shape(tmp_path, home):
    from intertex_cli.catalog import shape

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    cat_mod.load(d)
    src = cat_mod.load(d).source
    for i in src.ids:
        assert shape.valid("scheme", src.record(i)), i
        assert shape.valid("summary", src.summary(i)), i
        assert shape.valid("check", src.check_part(i)), i
    assert not shape.valid("scheme", {**src.record("vie-bf"), "regions": "occitanie"})
    assert not shape.valid("scheme", {**src.record("vie-bf"), "extra": 1})


def test_the_search_index_is_kept_for_the_cards_that_did_not_change(tmp_path, home, monkeypatch):
    from intertex_cli.catalog.search import search

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    cat_mod.load(d)
    assert [h.scheme.id for h in search(cat_mod.load(d), "volontariat")]  # computed, kept
    _tick()
    f = d / "vie-bf.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("keywords: [", "keywords: [zorglub, ", 1),
        encoding="utf-8",
    )
    text = (d / "vie-occ.yaml").read_text(encoding="utf-8")
    (d / "vie-occ.yaml").unlink()
    (d / "vie-new.yaml").write_text(text.replace("id: vie-occ", "id: vie-new"), encoding="utf-8")
    changed = {"vie-bf", "vie-new"}
    for p in d.glob("*.yaml"):  # what named vie-occ names vie-new
        before = p.read_text(encoding="utf-8")
        if "vie-occ" in before:
            p.write_text(before.replace("vie-occ", "vie-new"), encoding="utf-8")
            changed.add(p.stem)
    assert len(changed) < 0.2 * 28
    cat_mod.load(d)  # rebuilt: most cards unchanged, the index kept as it was
    assert "search" in cat_mod.load(d).source._sections
    cat = cat_mod.load(d)
    read: list[str] = []
    real = cache.CachedCatalog.record

    def counting(self, scheme_id):
        read.append(scheme_id)
        return real(self, scheme_id)

    monkeypatch.setattr(cache.CachedCatalog, "record", counting)
    hits = [h.scheme.id for h in search(cat, "zorglub")]
    assert hits == ["vie-bf"]
    assert set(read) <= changed  # the changed cards indexed; the others' postings kept
    fresh = [h.scheme.id for h in search(cat_mod.load(d, use_cache=False), "volontariat")]
    assert sorted(h.scheme.id for h in search(cat, "volontariat")) == sorted(fresh)
    assert "vie-occ" not in [h.scheme.id for h in search(cat, "vie")]


def test_cards_read_by_several_processes_are_those_read_by_one(tmp_path, monkeypatch):
    from intertex_cli.catalog import build

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    f = d / "vie-bf.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("support_type: advice", "support_type: x"))
    files = [(str(p), f"stamp {p.name}") for p in sorted(d.glob("*.yaml"))]
    one: list = []
    serial = build._read_cards(files, one)
    got = build._parallel(files, 3)
    assert got is not None
    cards, problems = got
    assert [(c.id, c.stamp, c.record, c.summary, c.check, c.links) for c in cards] == [
        (c.id, c.stamp, c.record, c.summary, c.check, c.links) for c in serial
    ]
    assert [str(p) for p in problems] == [str(p) for p in one] and one


def test_a_bad_record_in_the_previous_cache_is_never_served(tmp_path, home):
    """A rebuild leaves the unchanged cards' parts where they are, unread: a record
    damaged there is found when it is read, read from its card instead, and the file
    goes; the next run makes it anew."""
    d = _catalogue(tmp_path)
    expected = {sid: scheme_json(s, c) for c in [cat_mod.load(d)] for sid, s in c.schemes.items()}
    (f,) = _cache_files(home)
    raw = f.read_bytes()
    head, _ = _split(raw)
    offset, length, _ = json.loads(_section(raw, head, "index"))["records"][:3]
    at = cache.HEAD + offset + length // 2
    f.write_bytes(raw[:at] + (b"X" if raw[at : at + 1] != b"X" else b"Y") + raw[at + 1 :])
    _tick()
    with open(d / "vie-occ.yaml", "a", encoding="utf-8") as g:
        g.write("# an edit\n")  # a rebuild, that keeps vie-bf's record where it is
    cat = cat_mod.load(d)
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
    cat_mod.load(d)
    assert _cached(d)
    cat = cat_mod.load(d)
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected


def test_an_edit_appends_to_the_file(tmp_path, home, monkeypatch):
    """Editing a card appends its parts and the index: the file is not written again
    (the same inode, the other cards' parts where they were); when most of it is parts
    no longer used, it is made anew."""
    monkeypatch.setattr(cache, "COMPACT_FROM", 0)
    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    expected = {sid: scheme_json(s, c) for c in [cat_mod.load(d)] for sid, s in c.schemes.items()}
    (f,) = _cache_files(home)
    before = f.read_bytes()
    index = json.loads(_section(before, _split(before)[0], "index"))
    inode = os.stat(f).st_ino
    _tick()
    with open(d / "vie-bf.yaml", "a", encoding="utf-8") as g:
        g.write("# an edit\n")
    cat = cat_mod.load(d)
    assert cat.source.built
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
    after = f.read_bytes()
    assert os.stat(f).st_ino == inode and after[cache.HEAD : len(before)] == before[cache.HEAD :]
    now = json.loads(_section(after, _split(after)[0], "index"))
    for kind in ("records", "summaries", "checks"):
        pairs = zip(index["ids"], _each(index[kind]), _each(now[kind]))
        moved = [i for i, a, b in pairs if a != b]
        assert moved == ["vie-bf"], kind
    assert _cached(d)
    sizes = []
    for n in range(30):  # each edit appends the index again: then the file is made anew
        _tick()
        with open(d / "vie-bf.yaml", "a", encoding="utf-8") as g:
            g.write(f"# edit {n}\n")
        cat_mod.load(d)
        sizes.append(os.stat(f).st_size)
        assert _cached(d)
        if os.stat(f).st_ino != inode:
            break
    assert os.stat(f).st_ino != inode, sizes
    assert sizes[-1] < max(sizes) < 2 * len(before)  # never more than twice its parts
    cat = cat_mod.load(d)
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected


def test_an_edit_just_now_is_read_from_the_file_and_memory(tmp_path, home, monkeypatch):
    """A card changed within the racy window: nothing written, the catalogue read from
    the previous file and the changed card's parts held in memory."""
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    (f,) = _cache_files(home)
    before = f.read_bytes()
    monkeypatch.setattr(cache, "RACY_SECONDS", 3600)
    f2 = d / "vie-bf.yaml"
    _add_keyword(f2)
    cat = cat_mod.load(d)
    assert "zorglub" in cat.schemes["vie-bf"].keywords
    assert "V.I.E." in cat.schemes["vie-occ"].title
    assert f.read_bytes() == before


def test_a_writer_holding_the_lock_is_waited_for_then_left(tmp_path, home, monkeypatch):
    """Another process appending to the file (its lock held): this one waits for it,
    then, past LOCK_WAIT, makes the file anew rather than wait longer."""
    import fcntl

    monkeypatch.setattr(cache, "LOCK_WAIT", 0.05)
    d = _catalogue(tmp_path)
    expected = {sid: scheme_json(s, c) for c in [cat_mod.load(d)] for sid, s in c.schemes.items()}
    (f,) = _cache_files(home)
    with open(f, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        _tick()
        with open(d / "vie-bf.yaml", "a", encoding="utf-8") as g:
            g.write("# an edit\n")
        cat = cat_mod.load(d)
        assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
    assert _cached(d)


@pytest.mark.parametrize("processes", [1, 3])
def test_validate_with_no_cache_reports_what_a_load_does(tmp_path, monkeypatch, processes):
    """`INTERTEX_NO_CACHE=1 intertex validate` keeps of each card its id and status
    only (no cache parts made): the same problems, located, and the same statuses."""
    from intertex_cli.catalog import build

    monkeypatch.setattr(build, "_workers", lambda n: processes)
    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    good = cat_mod.check_only(d)
    full = cat_mod.load(d, use_cache=False)
    assert list(good.schemes) == list(full.schemes)
    assert list(good.agencies) == list(full.agencies)
    for i, s in full.schemes.items():
        assert good.schemes[i].status.model_dump() == s.status.model_dump(
            mode="json", by_alias=True
        )
    f = d / "vie-bf.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("support_type: advice", "support_type: x"))
    shutil.copy(d / "vie-occ.yaml", d / "vie-occ.yml")
    with pytest.raises(CatalogError) as a:
        cat_mod.check_only(d)
    with pytest.raises(CatalogError) as b:
        cat_mod.load(d, use_cache=False)
    assert [str(p) for p in a.value.problems] == [str(p) for p in b.value.problems]
    assert {p.field for p in a.value.problems} >= {"support_type", "id", "steps.1.scheme"}


@pytest.mark.parametrize("damage", ["field-past-the-end", "text-past-the-end", "tokens-unsorted"])
def test_a_search_index_that_does_not_validate_is_not_used(tmp_path, home, damage):
    """Fifth attack: a posting naming a field past FIELDS (IndexError, exit 1) or a
    text past its field's, or the tokens out of order (bisect found nothing), every
    CRC right: the index is not used, or the text not shown."""
    import zlib

    from intertex_cli.catalog.search import search

    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    expected = [(h.scheme.id, h.snippets) for h in search(cat_mod.load(d, use_cache=False), "vie")]
    cat_mod.load(d)
    search(cat_mod.load(d), "vie")  # the index kept in the file
    (f,) = _cache_files(home)
    raw = f.read_bytes()
    head, _ = _split(raw)
    index = json.loads(_section(raw, head, "search"))
    lines = _section(raw, head, "postings").split(b"\n")
    j = index["tokens"].index("vie")
    p = json.loads(lines[j])
    if damage == "field-past-the-end":
        p[1::3] = [99] * (len(p) // 3)
    elif damage == "text-past-the-end":
        p[2::3] = [999] * (len(p) // 3)
    else:
        index["tokens"].reverse()
        spans = index["spans"]  # flat: offset, length, CRC, offset…
        index["spans"] = [n for i in range(len(spans) - 3, -1, -3) for n in spans[i : i + 3]]
    lines[j] = _dumps(p)
    if damage != "tokens-unsorted":  # the postings' spans made right again
        at, index["spans"] = 0, []
        for line in lines:
            index["spans"] += (at, len(line), zlib.crc32(line) & 0xFFFFFFFF)
            at += len(line) + 1
    raw = _moved_section(raw, head, "postings", b"\n".join(lines))
    f.write_bytes(_moved_section(raw, head, "search", _dumps(index)))
    got = [(h.scheme.id, h.snippets) for h in search(cat_mod.load(d), "vie")]
    if damage == "text-past-the-end":  # found where the index says, no text to show
        assert sorted(i for i, _ in got) == sorted(i for i, _ in expected)
    else:
        assert got == expected


def test_a_file_made_anew_meanwhile_is_left_as_it_is(tmp_path, home, monkeypatch):
    """Fifth attack: a rebuild whose previous file another process made anew meanwhile
    holds its catalogue in memory over the file it read, rather than make the file
    anew once more (eight processes at 5,000 cards: 27 files of 100 MB made anew in
    150 s, 3 now)."""
    d = _catalogue(tmp_path)
    cat_mod.load(d)
    (f,) = _cache_files(home)
    real = cache.open_previous

    def previous(code, catalog_dir):
        old = real(code, catalog_dir)
        tmp = f.with_name(".tmp-other" + cache.SUFFIX)  # another process's, made anew
        shutil.copy(f, tmp)
        os.replace(tmp, f)
        return old

    monkeypatch.setattr(cache, "open_previous", previous)
    _tick()
    g = d / "vie-bf.yaml"
    _add_keyword(g)
    cat = cat_mod.load(d)
    assert "zorglub" in cat.schemes["vie-bf"].keywords
    assert cat.source.path is None  # in memory: the other process's file as it made it
    (again,) = _cache_files(home)
    monkeypatch.setattr(cache, "open_previous", real)
    assert not _cached(d)  # the next run appends the edit to that file
    assert _cached(d)
    assert "zorglub" in cat_mod.load(d).schemes["vie-bf"].keywords


def test_a_writer_killed_midway_leaves_nothing_for_long(tmp_path, home):
    """A temporary file of a writer that no longer runs (killed while writing) goes at
    the next write; one of a writer still running stays."""
    import subprocess
    import sys

    d = _catalogue(tmp_path)
    cat_mod.load(d)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = home / f".tmp-{gone.stdout.strip()}-abc{cache.SUFFIX}"
    live = home / f".tmp-{os.getpid()}-abc{cache.SUFFIX}"
    for f in (dead, live):
        f.write_bytes(b"x" * 1000)
    for f in _cache_files(home):
        f.unlink()
    cat_mod.load(d)  # a file made anew: the folder pruned
    assert not dead.exists() and live.exists()


def test_an_edit_on_a_full_disk_reads_over_the_old_file(tmp_path, home, monkeypatch):
    """Nothing can be written (no lock, and no room for a file made anew): the edited
    catalogue is the old file and the new parts in memory, not a copy of the file."""
    d = tmp_path / "cat"
    shutil.copytree(BUILTIN, d)
    cat_mod.load(d)
    (f,) = _cache_files(home)

    def full(path, chunks):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "_locked", lambda path, ino: None)
    monkeypatch.setattr(cache, "_atomic_write", full)
    _tick()
    with open(d / "vie-bf.yaml", "a", encoding="utf-8") as g:
        g.write("# an edit\n")
    cat = cat_mod.load(d)
    assert cat.source.path is None and cat.source._fh is not None  # over the old file
    assert len(cat.source._tail) < os.stat(f).st_size // 4
    fresh = cat_mod.load(d, use_cache=False)
    expected = {sid: scheme_json(s, fresh) for sid, s in fresh.schemes.items()}
    assert {sid: scheme_json(s, cat) for sid, s in cat.schemes.items()} == expected
