"""Bad inputs as data (tests/attack/*.yaml), one file per surface, run by one module.

Each entry names its input, the exit code and the words of the message; every run
must also end within a deadline, print no traceback, no "internal error", and never
write a terminal control character (ESC, BEL, C1) to the output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from intertex_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
ATTACK = Path(__file__).parent / "attack"
DATA = ROOT / "data" / "schemes"
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"
DEADLINE = 20  # seconds: a hang fails the test instead of blocking CI
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def entries(name: str) -> list:
    data = yaml.safe_load((ATTACK / name).read_text(encoding="utf-8"))
    names = [e["name"] for e in data]
    assert len(names) == len(set(names)), f"{name}: two entries share a name"
    for e in data:
        assert e.get("why"), f"{name}: {e['name']} says nothing of why"
    return [pytest.param(e, id=e["name"]) for e in data]


def expand(text: str, entry: dict, **places) -> str:
    for mark, (chunk, times) in entry.get("repeat", {}).items():
        text = text.replace(mark, chunk * times)
    for k, v in places.items():
        text = text.replace("{" + k + "}", str(v))
    return text


@contextmanager
def deadline(seconds: int = DEADLINE):
    def alarm(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def invoke(args, cwd: Path | None = None, env: dict | None = None, input=None):
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with deadline():
            return runner.invoke(app, args, env=env, input=input)
    finally:
        os.chdir(old)


def verify(entry: dict, code: int, out: str, err: str) -> None:
    shown = (out + err)[-3000:]
    assert code == entry["exit"], shown
    for w in entry.get("words", []):
        assert w in out + err, f"{w!r} not in:\n{shown}"
    for w in entry.get("absent", []):
        assert w not in out + err, f"{w!r} in:\n{shown}"
    assert "Traceback" not in out + err, shown
    assert "internal error" not in out + err, shown
    bad = CONTROL.search(out + err)
    assert bad is None, f"control character {bad.group()!r} in the output"
    if "max_stderr" in entry:
        assert len(err) <= entry["max_stderr"], f"{len(err)} characters on stderr:\n{err[:3000]}"


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("INTERTEX_CATALOG", raising=False)
    monkeypatch.delenv("INTERTEX_INTERACTIVE", raising=False)


# --------------------------------------------------------------------------- answers


def make_answers(entry: dict, tmp: Path) -> str:
    if "path" in entry:
        return entry["path"]
    special = entry.get("special")
    if special == "fifo":
        os.mkfifo(tmp / "answers.yaml")
        return str(tmp / "answers.yaml")
    if special == "directory":
        (tmp / "answers.yaml").mkdir()
        return str(tmp / "answers.yaml")
    if special == "too-long":
        return str(tmp / ("a" * 5000 + ".yaml"))
    path = tmp / entry.get("file", "answers.yaml")
    text = expand(entry["text"], entry)
    path.write_bytes(text.encode(entry.get("encoding", "utf-8")))
    return str(path)


@pytest.mark.parametrize("entry", entries("answers.yaml"))
def test_answers_files(entry, tmp_path, env, monkeypatch):
    monkeypatch.setenv("INTERTEX_LANG", "en")  # the words below are the English messages
    file = make_answers(entry, tmp_path)
    args = entry.get("args", ["check", "--answers", "{file}", "--format", "json"])
    r = invoke([a.replace("{file}", file) for a in args])
    verify(entry, r.exit_code, r.stdout, r.stderr)


# --------------------------------------------------------------------------- catalogue


def make_catalog(entry: dict, tmp: Path) -> Path:
    d = tmp / "catalogue"
    shutil.copytree(DATA, d)
    target = d / entry.get("scheme", "pass-export-occ.yaml")
    text = target.read_text(encoding="utf-8")
    entry["line"] = None
    for old, new in entry.get("replace", {}).items():
        assert text.count(old) == 1, f"{old!r} is not once in {target.name}"
        if entry["line"] is None:  # where the change is: {line} in the words expected
            at = text.index(old) + len(old) - len(old.lstrip("\n"))
            entry["line"] = text.count("\n", 0, at) + 1
        text = text.replace(old, expand(new, entry))
    if "append" in entry:
        text += "\n" + expand(entry["append"], entry)
    target.write_text(text, encoding="utf-8")
    for name, content in entry.get("add", {}).items():
        (d / name).write_text(content, encoding="utf-8")
    for old, new in entry.get("rename", {}).items():
        (d / old).rename(d / new)
    for old, new in entry.get("copy", {}).items():
        shutil.copy(d / old, d / new)
    for kind, name in entry.get("special", {}).items():
        if kind == "fifo":
            os.mkfifo(d / name)
        elif kind == "directory":
            (d / name).mkdir()
    for name, target in entry.get("link", {}).items():  # a symbolic link, to `target`
        (d / name).symlink_to(target)
    how = entry.get("agencies")  # the catalogue's agencies/ folder made unusable
    if how is not None:
        shutil.rmtree(d / "agencies")
        if how == "file":
            (d / "agencies").write_text("not a folder\n", encoding="utf-8")
        elif how == "empty":
            (d / "agencies").mkdir()
        elif how == "dangling-link":
            (d / "agencies").symlink_to(d / "nowhere")
        elif how == "fifo":
            os.mkfifo(d / "agencies")
    return d


@pytest.mark.parametrize("entry", entries("catalog.yaml"))
def test_catalogue_files(entry, tmp_path, env, request):
    if entry.get("xfail"):  # a defect found, left to another change: strict, so it shows when fixed
        request.applymarker(pytest.mark.xfail(reason=entry["xfail"], strict=True))
    d = make_catalog(entry, tmp_path)
    args = entry.get("args", ["validate", "{dir}"])
    r = invoke([expand(a, entry, dir=d, root=ROOT) for a in args])
    words = [x.replace("{line}", str(entry["line"])) for x in entry.get("words", [])]
    verify({**entry, "words": words}, r.exit_code, r.stdout, r.stderr)


# --------------------------------------------------------------------------- options


def _setup_files(entry: dict, tmp: Path) -> dict:
    shutil.copy(EXAMPLE, tmp / "answers.yaml")
    for name, content in entry.get("files", {}).items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(content, encoding="utf-8")
    return {name: (tmp / name).read_bytes() for name in entry.get("unchanged", [])}


@pytest.mark.parametrize("entry", entries("options.yaml"))
def test_options(entry, tmp_path, env, monkeypatch):
    monkeypatch.setenv("INTERTEX_LANG", "en")  # the words below are the English messages
    before = _setup_files(entry, tmp_path)
    places = {"tmp": tmp_path, "answers": tmp_path / "answers.yaml", "root": ROOT}
    r = invoke([expand(a, entry, **places) for a in entry["args"]], cwd=tmp_path)
    verify(entry, r.exit_code, r.stdout, r.stderr)
    for name, content in before.items():
        assert (tmp_path / name).read_bytes() == content, f"{name} was changed"
    if "then" in entry:
        r2 = invoke([expand(a, entry, **places) for a in entry["then"]], cwd=tmp_path)
        assert r2.exit_code == 0, r2.output[-3000:]


# --------------------------------------------------------------------------- environment


@pytest.mark.parametrize("entry", entries("environment.yaml"))
def test_environment(entry, tmp_path):
    before = _setup_files(entry, tmp_path)
    places = {"tmp": tmp_path, "answers": tmp_path / "answers.yaml", "root": ROOT}
    args = [expand(a, entry, **places) for a in entry["args"]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERTEX_")}
    env.update({k: expand(v, entry, **places) for k, v in entry.get("env", {}).items()})
    env.setdefault("COLUMNS", "100")

    def limit():  # pragma: no cover - runs in the child
        if "fsize" in entry:
            import resource

            resource.setrlimit(resource.RLIMIT_FSIZE, (entry["fsize"], entry["fsize"]))

    proc = subprocess.Popen(
        [sys.executable, "-m", "intertex_cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        preexec_fn=limit,
    )
    if entry.get("close_stdout"):
        proc.stdout.close()  # the reader goes away before anything is written
        out = b""
        err = proc.stderr.read()
        code = proc.wait(timeout=60)
    else:
        out, err = proc.communicate(timeout=60)
        code = proc.returncode
    out_s, err_s = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    verify(entry, code, out_s, err_s)
    if entry.get("stderr_empty"):
        assert err_s == "", err_s
    if entry.get("json"):
        json.loads(out_s)
    for name in entry.get("unmade", []):
        assert not os.path.lexists(tmp_path / name), f"{name} was made"
    for name, content in before.items():
        assert (tmp_path / name).read_bytes() == content, f"{name} was changed"


# --------------------------------------------------------------------------- interactive


@pytest.fixture
def pipe(monkeypatch):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    monkeypatch.setenv("INTERTEX_INTERACTIVE", "1")
    monkeypatch.setenv("COLUMNS", "100")
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


@pytest.mark.parametrize("entry", entries("interactive.yaml"))
def test_interactive(entry, tmp_path, pipe, schemes, monkeypatch):
    for name, content in entry.get("files", {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    for k, v in entry.get("env", {}).items():
        monkeypatch.setenv(k, expand(v, entry, tmp=tmp_path))
    pipe.send_text(entry["keys"])
    if entry.get("close"):
        pipe.close()
    if "ask" in entry:
        _ask(entry, schemes)
        return
    cwd = Path(entry.get("cwd", tmp_path))
    args = [expand(a, entry, tmp=tmp_path) for a in entry["args"]]
    r = invoke(args, cwd=cwd)
    verify(entry, r.exit_code, r.stdout, r.stderr)
    if "unsaved" in entry:  # nothing written there
        assert not list(tmp_path.glob(entry["unsaved"])), r.output[-2000:]
    for name in entry.get("written", []):  # files that must be there after the run
        assert (tmp_path / name).is_file(), r.output[-2000:]
    if "saved" in entry:
        found = list(tmp_path.glob(entry["saved"]["glob"]))
        assert len(found) == 1, (found, r.output[-2000:])
        data = yaml.safe_load(found[0].read_text(encoding="utf-8")) or {}
        for k, v in entry["saved"]["has"].items():
            assert k in data and data[k] == v, data


def _ask(entry: dict, schemes) -> None:
    from intertex_cli.engine.profile import Profile
    from intertex_cli.wizard import Wizard

    wizard = Wizard(schemes, "fr")
    given = Profile(dict(entry["given"]), frozenset())
    for typed, words in entry.get("reasons", {}).items():
        value, why = wizard.check(entry["ask"], typed, given)
        assert why is not None, f"{typed!r} was accepted as {value!r}"
        for w in words:
            assert w in why, f"{w!r} not in {why!r}"
    with deadline():
        assert wizard.ask(entry["ask"], given) == entry["value"]


# --------------------------------------------------------------------------- screening

INSEE_UNITS = ROOT / "tests" / "data" / "sirene-insee" / "StockUniteLegale_utf8.csv"


def _zip_patched(path: Path, fields: dict) -> None:
    """INSEE's units file zipped, with header fields patched: {offset in the local
    header: bytes}, the central directory's (offset + 2) alike."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(INSEE_UNITS, INSEE_UNITS.name)
    data = bytearray(path.read_bytes())
    for sig, shift in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        at = data.find(sig)
        for offset, value in fields.items():
            data[at + offset + shift : at + offset + shift + len(value)] = value
    path.write_bytes(bytes(data))


def _xlsx(path: Path, sheet=None, extra: dict | None = None) -> None:
    """A one-company workbook; ``sheet`` rewrites its sheet XML, ``extra`` adds parts."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["siren", "headcount"])
    book.active.append(["1", 20])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if sheet and info.filename == "xl/worksheets/sheet1.xml":
                data = sheet(data)
            z.writestr(info, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    plain.unlink()


def _laughs(xml: bytes) -> bytes:
    decl = (
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
        + b"]>"
    )
    head, _, rest = xml.partition(b"<worksheet")
    return head + decl + b"<worksheet" + rest.replace(b"<v>20</v>", b"<v>&j;</v>", 1)


def _claimed_size(path: Path, member: str, size: int) -> None:
    """Patch the uncompressed size the central directory declares for ``member``."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + b"", 0)
    while at >= 0:
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_len] == member.encode():
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def build(kind: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if kind == "fifo":
        os.mkfifo(path)
    elif kind.startswith("symlink:"):
        os.symlink(kind.split(":", 1)[1], path)
    elif kind.startswith("copy:"):
        shutil.copy(ROOT / kind.split(":", 1)[1], path)
    elif kind == "late-cp1252":
        path.write_bytes(b"siren,name,headcount\n" + b"1,abc,20\n" * 10_000 + b"2,caf\xe9,20\n")
    elif kind == "parquet-dup":
        t = pa.Table.from_arrays(
            [pa.array(["1"]), pa.array(["2"]), pa.array(["3"])], ["siren", "headcount", "headcount"]
        )
        pq.write_table(t, path)
    elif kind == "parquet-list":
        pq.write_table(pa.table({"siren": ["1"], "headcount": pa.array([[1, 2]])}), path)
    elif kind == "parquet-struct":
        pq.write_table(pa.table({"siren": ["1"], "headcount": pa.array([{"a": 1}])}), path)
    elif kind == "parquet-binary":
        name = pa.array([b"\xff\xfe"], pa.binary())
        pq.write_table(pa.table({"siren": ["1"], "name": name, "headcount": ["20"]}), path)
    elif kind == "parquet-corrupt":
        n = 5000
        pq.write_table(
            pa.table({"siren": [str(i) for i in range(n)], "headcount": ["20"] * n}), path
        )
        data = bytearray(path.read_bytes())
        for i in range(200, 600):
            data[i] ^= 0x5A
        path.write_bytes(bytes(data))
    elif kind == "parquet-rows":
        pq.write_table(pa.table({"headcount": pa.nulls(20_000_000, pa.string())}), path)
    elif kind == "zip-encrypted":
        _zip_patched(path, {6: b"\x01"})
    elif kind == "zip-aes":
        _zip_patched(path, {8: (99).to_bytes(2, "little")})
    elif kind == "zip-crc":
        _zip_patched(path, {14: b"\x00\x00\x00\x00"})
    elif kind == "xlsx-entities":
        _xlsx(path, sheet=_laughs)
    elif kind == "xlsx-bomb":
        _xlsx(path, extra={"xl/sharedStrings.xml": b"<sst/>"})
        _claimed_size(path, "xl/sharedStrings.xml", 510 * 2**20)
    else:  # pragma: no cover - a typo in screen.yaml
        raise AssertionError(f"unknown build kind {kind!r}")


def _ours(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.rglob("*") if p.name.startswith((".intertex-", "openpyxl."))
    )


@pytest.mark.parametrize("entry", entries("screen.yaml"))
def test_screening(entry, tmp_path, env, monkeypatch):
    import tempfile

    monkeypatch.setenv("INTERTEX_LANG", "en")  # the words below are the English messages
    staging = tmp_path / "tmpdir"
    staging.mkdir()
    monkeypatch.setenv("TMPDIR", str(staging))
    monkeypatch.setattr(tempfile, "tempdir", str(staging))
    for name, content in entry.get("files", {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(expand(content, entry), encoding="utf-8")
    for name, kind in entry.get("build", {}).items():
        build(kind, tmp_path / name)
    before = {name: (tmp_path / name).read_bytes() for name in entry.get("unchanged", [])}
    args = [expand(a, entry, tmp=tmp_path, root=ROOT) for a in entry["args"]]
    r = invoke(args, cwd=tmp_path)
    verify(entry, r.exit_code, r.stdout, r.stderr)
    for name, content in before.items():
        assert (tmp_path / name).read_bytes() == content, f"{name} was changed"
    for name, want in entry.get("written", {}).items():
        text = (tmp_path / name).read_text(encoding="utf-8")
        for w in want.get("has", []):
            assert w in text, f"{w!r} not in {name}:\n{text[:2000]}"
        for w in want.get("lacks", []):
            assert w not in text, f"{w!r} in {name}"
    assert _ours(tmp_path) == [], "temporary files left behind"


# --------------------------------------------------------------------------- cache


def _dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _set(data, dotted: str, value) -> None:
    *path, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    for p in path:
        data = data[p]
    data[last] = value


def tamper(path: Path, part: str, changes: dict) -> None:
    """Change one part of a cache file, then write it again with every span, length
    and checksum right (the header's too): only the content is wrong."""
    import zlib

    from intertex_cli.catalog import cache

    raw = path.read_bytes()
    head = cache._parse_header(raw[: cache.HEAD])
    body = raw[cache.HEAD :]

    def get(span):
        return body[span[0] : span[0] + span[1]]

    spans = head["sections"]
    sections = {k: json.loads(get(v)) for k, v in spans.items() if k != "postings"}
    index = sections["index"]
    kinds = {"record": "records", "summary": "summaries", "check": "checks"}
    parts = {  # the index's spans are flat: offset, length, CRC, offset…
        k: [json.loads(get(index[v][i : i + 3])) for i in range(0, len(index[v]), 3)]
        for k, v in kinds.items()
    }
    kind, _, which = part.partition(":")
    if kind in parts:
        target = parts[kind][index["ids"].index(which)]
    elif kind == "links":
        target = sections["links"][index["ids"].index(which)]
    elif kind == "agencies":
        target = sections["agencies"][int(which)]
    else:
        target = sections[kind]
    for dotted, value in changes.items():
        _set(target, dotted, value)
    out: list[bytes] = []
    size = 0

    def put(data: bytes) -> list:
        nonlocal size
        out.append(data + b"\n")
        span = [size, len(data), zlib.crc32(data) & 0xFFFFFFFF]
        size += len(data) + 1
        return span

    for k, v in kinds.items():
        index[v] = [n for x in parts[k] for n in put(_dumps(x))]
    new = {name: put(_dumps(sections[name])) for name in ("links", "index", "agencies")}
    if "planner" in sections:
        new["planner"] = put(_dumps(sections["planner"]))
    if "postings" in spans:
        new["postings"] = put(get(spans["postings"]))
        new["search"] = put(_dumps(sections["search"]))
    head.update(size=size, sections=new)
    path.write_bytes(cache.header(head) + b"".join(out))


@pytest.mark.parametrize("entry", entries("cache.yaml"))
def test_cache_files(entry, tmp_path, env, monkeypatch, request):
    from intertex_cli.catalog import cache

    if entry.get("xfail"):  # a defect found, left to another change: strict, so it shows when fixed
        request.applymarker(pytest.mark.xfail(reason=entry["xfail"], strict=True))

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)
    d = tmp_path / "catalogue"
    shutil.copytree(DATA, d)
    args = [expand(a, entry, dir=d, root=ROOT) for a in entry["args"]]
    first = invoke(args)
    assert first.exit_code == 0, first.output[-3000:]
    (f,) = (tmp_path / "xdg" / "intertex").glob("catalog-*")
    tamper(f, entry["part"], entry["set"])
    if "touch" in entry:
        time_ns = os.stat(d / entry["touch"]).st_mtime_ns + 10**9
        os.utime(d / entry["touch"], ns=(time_ns, time_ns))
    r = invoke(args)
    verify(entry, r.exit_code, r.stdout, r.stderr)
    assert r.stdout == first.stdout  # the cards' data, not the cache's
    third = invoke(args)  # a good cache again: written anew, or the bad part never kept
    assert third.exit_code == 0 and third.stdout == first.stdout
