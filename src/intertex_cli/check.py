"""``intertex check``: answers from a file and/or the wizard, then the verdicts."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from .engine.rules import Profile
from .errors import Interrupted, UsageError


def can_prompt() -> bool:
    import os

    if os.environ.get("INTERTEX_INTERACTIVE") == "1":  # tests drive prompts through a pipe
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def save_answers(profile: Profile, path: Path) -> None:
    import yaml

    from .answers import to_file_data

    text = "# intertex answers — intertex check --answers " + str(path) + "\n"
    text += yaml.safe_dump(to_file_data(profile), allow_unicode=True, sort_keys=False)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write the answers to {path}: {e.strerror}") from None


def _interrupted_path(save: Path | None) -> Path:
    if save is not None:
        return save
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / f"intertex-reponses-{stamp}.yaml"


def _default_path(kind: str, ext: str) -> Path:
    """intertex-reponses-2026-11-26.yaml, intertex-plan-2026-11-26.md: never overwriting."""
    stamp = datetime.now().strftime("%Y-%m-%d")
    path = Path.cwd() / f"intertex-{kind}-{stamp}.{ext}"
    n = 2
    while path.exists():
        path = Path.cwd() / f"intertex-{kind}-{stamp}-{n}.{ext}"
        n += 1
    return path


def run_check(
    *, answers, ask_missing, save, fmt, explain, lang, catalog, report=None, show_all=False
) -> None:
    from .engine.assess import assess, question_schemes
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

        from .views.render import console

        err = console(stderr=True)
        for w in warnings:
            err.print(f"[yellow]warning:[/] {escape(w)}")
    interactive = answers is None or ask_missing
    wizard = None
    if interactive and explain is None:
        if not can_prompt():
            if answers is None:
                raise UsageError(t("no_tty", lang))
            warnings.append("--ask-missing: no terminal, nothing asked")
        else:
            from rich.console import Console

            from .memory import long_lived
            from .wizard import Wizard

            long_lived()

            # with a machine format on stdout, the conversation goes to stderr
            chat = Console(stderr=fmt != "table", highlight=False)
            wizard = Wizard(schemes, lang, console=chat)
            try:
                profile = wizard.run(profile)
            except Interrupted as exc:
                path = _interrupted_path(save)
                save_answers(exc.profile, path)
                exc.message = t("interrupted", lang, file=path)
                raise
    saved_to = None
    if save is not None:
        save_answers(profile, save)
        saved_to = save
    elif wizard is not None:
        # the hints printed after the results name this file: it must exist
        saved_to = _default_path("reponses" if lang == "fr" else "answers", "yaml")
        save_answers(profile, saved_to)
    assessment = assess(schemes, profile, catalog.schemes)
    if target is not None:
        _print_explain(assessment.result(target.id), catalog, assessment, fmt, lang)
        return
    answers_file = saved_to if saved_to is not None else answers
    if fmt == "json":  # the questions the wizard would ask: for scripts only
        asked = plan(question_schemes(schemes, profile), profile)
        from .views.jsonout import write
        from .views.present import check_json

        write(check_json(assessment, catalog, asked, warnings, lang), sys.stdout)
    elif fmt == "markdown":
        from .views.report import markdown_report

        sys.stdout.write(markdown_report(assessment, catalog, lang))
    else:
        from .views.render import console, print_results

        con = console()
        print_results(con, assessment, catalog, lang, answers_file=answers_file, show_all=show_all)
        if saved_to is not None:
            con.print(t("saved", lang, file=saved_to), markup=False, style="dim", soft_wrap=True)
    if report is None and wizard is not None and fmt == "table":
        report, name = wizard.ask_report(_default_path("plan", "md"))
        if name:
            profile = Profile({**profile.answers, "company_name": name}, profile.skipped)
            assessment.profile = profile
            if saved_to is not None:
                save_answers(profile, saved_to)
    if report is not None:
        from .views.report import write_report

        write_report(Path(report), assessment, catalog, lang)
        if fmt == "table":
            from .views.render import console

            console().print(
                t("report_saved", lang, file=report), markup=False, style="dim", soft_wrap=True
            )


def _print_explain(r, catalog, assessment, fmt: str, lang: str) -> None:
    if fmt == "json":
        from .views.present import dumps, result_json

        sys.stdout.write(dumps(result_json(r, catalog, assessment, lang, detail=True)) + "\n")
    elif fmt == "markdown":
        from .views.present import explain_markdown

        sys.stdout.write(explain_markdown(r, assessment, catalog, lang))
    else:
        from .views.render import console, print_explain

        print_explain(console(), r, assessment, catalog, lang)
