"""Text from files made safe to print, and values shown back in people's words.

``clean`` removes what a terminal would obey rather than print: escape sequences (CSI
such as ``ESC [2J``, OSC such as window titles and ``ESC ]8`` links, DCS/APC strings),
the other C0 controls but newline and tab, DEL, the C1 controls and the bidirectional
overrides; and lone surrogates, which no output encoding accepts. It is applied once, where catalogue and answers files are read, so that
every view is safe. ``shown`` renders a value for an error message as it is written
in a YAML or JSON file (``true``, ``null``, ``"031"``, ``2020-01-01``), cut to a sane
length with the full length said. ``degrade`` keeps output going on a terminal that
is not UTF-8.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_SEQUENCES_RE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: ESC [ params intermediates final
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: ESC ] … BEL or ST
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # C1 CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # C1 DCS, SOS, OSC, PM, APC
    r"|[" + _CONTROLS + "]"  # lone controls, bidi overrides, lone surrogates
)
_compiled: list = []


def _patterns():
    """(any control, every sequence), compiled on first use: none at startup."""
    if not _compiled:
        _compiled.extend((re.compile("[" + _CONTROLS + "]"), re.compile(_SEQUENCES_RE)))
    return _compiled


SHOWN_MAX = 60  # characters of a value echoed in a message


def has_control_utf8(raw: bytes) -> bool:
    """Whether UTF-8 text holds a character ``clean`` would remove, read on its bytes
    (several times faster than a search of the text): the C0 controls and DEL are
    bytes of their own, a C1 control is ``C2 80``-``C2 9F``, a bidirectional override
    ``E2 80 AA``-``AE`` or ``E2 81 A6``-``A9``; a lone surrogate is no valid UTF-8."""
    if not _utf8:
        _utf8.extend(
            (
                bytes(b for b in range(256) if not (b < 9 or 11 <= b < 32 or b == 0x7F)),
                re.compile(rb"\xc2[\x80-\x9f]"),
                re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),
            )
        )
    others, c1, bidi = _utf8
    return bool(raw.translate(None, others)) or bool(c1.search(raw) or bidi.search(raw))


_utf8: list = []


def clean(text: str) -> str:
    """``text`` without terminal control sequences (newlines and tabs are kept)."""
    if text.isprintable():  # no control of any kind, told at C speed: no pattern compiled
        return text
    any_control, sequences = _patterns()
    if any_control.search(text) is None:
        return text
    return sequences.sub("", text)


def clean_data(value):
    """Every string of plain data (mappings, lists, keys included), cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value


def _scalar(value) -> str:
    import datetime
    import json

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) >= 10**40:  # str() refuses > 4300 digits
            return f"a number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
        if isinstance(value, float) and value != value:
            return ".nan"
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(clean(value), ensure_ascii=False)
    if isinstance(value, bytes):
        return f"binary data of {len(value)} bytes"
    return clean(str(value))


def _flow(value, depth: int = 0) -> str:
    if depth > 3:
        return "…" if isinstance(value, (dict, list)) else _scalar(value)
    if isinstance(value, dict):
        inner = ", ".join(
            f"{_flow_key(k)}: {_flow(v, depth + 1)}" for k, v in list(value.items())[:5]
        )
        more = ", …" if len(value) > 5 else ""
        return "{" + inner + more + "}"
    if isinstance(value, list):
        inner = ", ".join(_flow(v, depth + 1) for v in value[:5])
        more = ", …" if len(value) > 5 else ""
        return "[" + inner + more + "]"
    return _scalar(value)


def _flow_key(key) -> str:
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][\w-]*", key):
        return key
    return _scalar(key)


def shown(value, limit: int = SHOWN_MAX) -> str:
    """A value as the person wrote it in a YAML/JSON file, for a message.

    A long value is cut, and the cut is said with the full length: never a silent
    truncation. ``"xxxx…" (100000 characters)``.
    """
    text = _flow(value)
    if len(text) <= limit:
        return text
    length = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit]}… ({length} characters)"


def shown_path(path, limit: int = 120) -> str:
    """A file name for a message: cleaned, and cut in the middle when very long."""
    text = clean(str(path))
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}…{text[-half:]} ({len(text)} characters)"


# --------------------------------------------------------------------------- degraded output

_DEGRADE = {
    "€": "EUR",
    "✔": "v",
    "✓": "v",
    "✘": "x",
    "✗": "x",
    "⚠": "!",
    "☎": "tel.",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "←": "<-",
    "•": "*",
    "·": "-",
    "—": "-",
    "–": "-",
    "…": "...",
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "\u202f": " ",
    "\u00a0": " ",
    "œ": "oe",
    "Œ": "OE",
    "μ": "u",
    "×": "x",
}


def _degrade_handler(err: UnicodeError):
    import unicodedata

    text = err.object[err.start : err.end]
    out = []
    for ch in text:
        rep = _DEGRADE.get(ch)
        if rep is None:
            base = unicodedata.normalize("NFKD", ch)
            rep = "".join(c for c in base if not unicodedata.combining(c))
        try:
            rep.encode(err.encoding)
        except (UnicodeError, LookupError):
            rep = "".join(c if ord(c) < 128 else "?" for c in rep) or "?"
        out.append(rep or "?")
    return "".join(out), err.end


def degrade_streams() -> None:
    """On a stdout or stderr that is not UTF-8 (PYTHONIOENCODING=latin-1, ascii, a
    legacy locale), write what cannot be encoded in plain letters: "€" as "EUR",
    "é" as "e", "✔" as "v". Never a UnicodeEncodeError."""
    import codecs
    import sys

    try:
        codecs.lookup_error("intertex-degrade")
    except LookupError:
        codecs.register_error("intertex-degrade", _degrade_handler)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if not encoding or encoding.startswith("utf"):
            continue
        try:
            stream.reconfigure(errors="intertex-degrade")
        except (AttributeError, ValueError, OSError):  # not a text file we can reconfigure
            pass


def stdout_is_utf8() -> bool:
    import sys

    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    return encoding.replace("_", "-").startswith("utf")
