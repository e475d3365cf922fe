"""``intertex check``: answers from a file and/or the wizard, then the verdicts."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from .engine.rules import Profile, evaluate
from .errors import Interrupted, UsageError


def can_prompt() -> bool:
    import os

    if os.environ.get("INTERTEX_INTERACTIVE") == "1":  # tests drive prompts through a pipe
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def save_answers(profile: Profile, path: Path) -> None:
    """--save: the answers file, written safely (see answers.save)."""
    from .answers import save

    save(profile, path)


def _save(profile: Profile, path: Path, typed: bool) -> None:
    """--save after the questions. If it fails and answers were typed, they go to the
    default file instead (named in the error, exit 2): nothing typed is lost."""
    from .answers import save_somewhere
    from .errors import AnswersError
    from .sanitize import shown_path

    try:
        save_answers(profile, path)
    except AnswersError as e:
        if not typed:
            raise
        written, _ = save_somewhere(profile, None, _default_name())
        if written is not None:
            e.message += (
                f"\nYour answers are saved in {shown_path(written)} instead; "
                f"resume with: intertex check --answers {shown_path(written)}"
            )
        raise


def _default_name() -> str:
    return f"intertex-reponses-{datetime.now().strftime('%Y%m%d-%H%M%S')}.yaml"


def _save_interrupted(exc: Interrupted, save: Path | None, lang: str) -> None:
    """After Ctrl-C or Ctrl-D: keep the answers wherever they can be written, and say
    where; if nowhere, print them so that nothing typed is lost."""
    from .answers import save_somewhere, to_file_data
    from .i18n import t
    from .sanitize import shown_path

    profile = exc.profile or Profile({}, frozenset())
    written, failures = save_somewhere(profile, save, _default_name())
    notes = "".join(f"{f}\n" for f in failures)
    if written is not None:
        exc.message = notes + t("interrupted", lang, file=shown_path(written))
        return
    import yaml

    dump = yaml.safe_dump(to_file_data(profile), allow_unicode=True, sort_keys=False)
    exc.message = notes + t("interrupted_unsaved", lang) + "\n" + dump


def run_check(*, answers, ask_missing, save, fmt, explain, lang, catalog) -> None:
    from .engine.planner import plan
    from .i18n import t

    schemes = tuple(catalog.schemes.values())
    warnings: list[str] = []
    if answers is not None:
        from .answers import read_file

        profile, warnings = read_file(str(answers))
    else:
        profile = Profile({}, frozenset())
    target = None
    if explain is not None:
        target = catalog.find(explain)
    if warnings:
        from rich.markup import escape

        from .sanitize import clean
        from .views.render import console

        err = console(stderr=True)
        for w in warnings:
            err.print(f"[yellow]warning:[/] {escape(clean(w))}")
    interactive = answers is None or ask_missing
    asked = False  # answers were typed: a failed --save must not lose them
    if interactive and explain is None:
        if not can_prompt():
            if answers is None:
                raise UsageError(t("no_tty", lang))
            warnings.append("--ask-missing: no terminal, nothing asked")
        else:
            from rich.console import Console

            from .wizard import Wizard

            # with a machine format on stdout, the conversation goes to stderr
            chat = Console(stderr=fmt != "table", highlight=False)
            wizard = Wizard(schemes, lang, console=chat)
            try:
                profile = wizard.run(profile)
            except Interrupted as exc:
                _save_interrupted(exc, save, lang)
                raise
            asked = True
    if save is not None:
        _save(profile, save, typed=asked)
    results = evaluate(schemes, profile)
    if target is not None:
        r = next(r for r in results if r.scheme.id == target.id)
        _print_explain(r, catalog, profile, fmt, lang)
        return
    asked = plan(schemes, profile)
    if fmt == "json":
        from .views.present import check_json, dumps

        sys.stdout.write(dumps(check_json(results, catalog, profile, asked, warnings)) + "\n")
    elif fmt == "markdown":
        from .views.present import check_markdown

        sys.stdout.write(check_markdown(results, catalog, profile, lang))
    else:
        from .views.render import console, print_results

        con = console()
        print_results(con, results, catalog, profile, lang)
        if save is not None:
            from rich.markup import escape

            from .sanitize import shown_path

            con.print(f"[dim]{escape(t('saved', lang, file=shown_path(save)))}[/]")


def _print_explain(r, catalog, profile, fmt: str, lang: str) -> None:
    if fmt == "json":
        from .views.present import dumps, result_json

        sys.stdout.write(dumps(result_json(r, catalog, profile.answers.get("region"))) + "\n")
    elif fmt == "markdown":
        from .views.present import explain_markdown

        sys.stdout.write(explain_markdown(r, lang))
    else:
        from .views.render import console, print_explain

        print_explain(console(), r, lang)
