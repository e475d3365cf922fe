"""Rich rendering: the conversation's console, ``why``, error messages. Text from data
files is always escaped. (``check``'s results and the catalogue are lines: lines.py.)"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from intertex_cli.text.i18n import t

VERDICT_STYLE = {"eligible": "bold green", "unknown": "bold yellow", "ineligible": "bold red"}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (``intertex list | head -1``): rich would exit 1; the
        command's error handler ends normally instead (exit 0)."""
        self.quiet = True
        raise BrokenPipeError(32, "Broken pipe")


def console(stderr: bool = False) -> Console:
    return _Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def _e(s) -> str:
    return escape(str(s))


def _section(title: str) -> Text:
    return Text(title, style="bold underline")


def _item(con: Console, mark: str, text, style: str = "", spans=()) -> None:
    """A bullet whose continuation lines stay indented under its text, wrapped by
    ``words.wrap`` so that no amount or phone number is broken, with no trailing
    spaces when piped; ``spans`` are (start, end, style) of the plain text."""
    from .words import wrap

    plain = text.plain.replace("\n", " ") if isinstance(text, Text) else " ".join(text.split())
    body = Text(wrap(plain, con.width - 4), style=style)
    if isinstance(text, Text):  # keep the styles of a Text built by the caller
        spans = [(sp.start, sp.end, sp.style) for sp in text.spans]
    for start, stop, st in spans:
        body.stylize(st, start, stop)
    out = Text()
    for i, line in enumerate(body.split("\n")):
        out.append(f"{mark:>3} " if i == 0 else "    ")
        out.append_text(line)
        out.append("\n")
    out.rstrip()
    con.print(out, no_wrap=True, overflow="ignore")


def print_explain(con: Console, r, a, catalog, lang: str) -> None:
    from .present import explain_items

    x = explain_items(r, a, catalog, lang)
    s = r.scheme
    con.print(Text(x["title"], style="bold"))
    con.print(
        Text(
            f"{x['verdict']} · {t('sec.status', lang)} : {x['status']}",
            style=VERDICT_STYLE[r.verdict],
        )
    )
    if s.beneficiary != "company":
        con.print(Text(t("beneficiary." + s.beneficiary, lang), style="cyan"))
    if not x["criteria"]:
        con.print(t("no_criteria", lang))
    style = {"met": "green", "unmet": "red"}
    for it in x["criteria"]:
        line = Text(f" {it['mark']} ", style=style.get(it["result"], "yellow"))
        line.append(it["rule"], style="bold")
        line.append(f"  ({t('criterion.' + it['result'], lang)})", style="dim")
        con.print(line)
        _item(con, "", f"« {it['quote']} » ({it['ref']})")
        for sub in it["subs"]:
            _item(con, "", sub, "yellow" if it["result"] != "met" else "dim")
    for line in [x["amount"], *x["cover"], x["nearest"]]:
        if line:
            con.print()
            _item(con, "→", line)
    if x["conditions"]:
        con.print(_section(t("sec.conditions", lang)))
        for text, ref in x["conditions"]:
            _item(con, "•", f"{text}{ref}")


def print_problems(con: Console, message: str, problems, hint: str = "", lang=None) -> None:
    """An error and each problem with its file, line and field, in the interface's
    language (messages.py); text from files is cleaned and escaped."""
    from intertex_cli.record import Record
    from intertex_cli.text.messages import localize
    from intertex_cli.text.sanitize import clean

    con.print(f"[bold red]{_e(clean(localize(message, lang)))}[/]")
    for p in problems:
        shown = p.replace(message=localize(p.message, lang)) if isinstance(p, Record) else p
        con.print(f"  {_e(clean(str(shown)))}")
    if hint:
        con.print(f"[dim]{_e(clean(localize(hint, lang)))}[/]")
