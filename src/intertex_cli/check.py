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


def save_answers(profile: Profile, path: Path) -> Path:
    """--save: the answers file, written safely (see answers.save)."""
    from .answers import save

    return save(profile, path)


def _answers_kind(lang: str) -> str:
    return "reponses" if lang == "fr" else "answers"


def _save(profile: Profile, path: Path, lang: str, typed: bool, asked_for: bool) -> Path | None:
    """Save the answers after the questions. If ``path`` cannot be written and answers
    were typed, they go to a default file instead (here, else in the home folder):
    nothing typed is lost. A --save the person asked for (``asked_for``) that failed is
    still an error (exit 2) naming where the answers went."""
    from .answers import save_somewhere
    from .errors import AnswersError
    from .text.sanitize import shown_path

    try:
        return save_answers(profile, path)
    except AnswersError as e:
        if not typed:
            raise
        written, _ = save_somewhere(profile, None, _default_path(_answers_kind(lang), "yaml").name)
        if not asked_for and written is not None:
            return written
        if written is not None:
            from .text.i18n import t
            from .text.messages import localize

            e.message = (
                localize(e.message, lang)
                + "\n"
                + t("saved_instead", lang, file=shown_path(written))
            )
        raise


def _save_interrupted(
    exc: Interrupted, save: Path | None, lang: str, typed: bool = True, resumed=None
) -> None:
    """After Ctrl-C, Ctrl-D, SIGHUP or SIGTERM: keep the answers wherever they can be
    written, and say where; if nowhere, print them so that nothing typed is lost.
    Before any answer (``typed`` false) nothing is written: the file resumed, if any,
    already holds everything."""
    from .answers import save_somewhere, to_file_data
    from .text.i18n import t
    from .text.sanitize import shown_path

    if not typed:
        if resumed is not None:
            exc.message = t("interrupted_unchanged", lang, file=shown_path(resumed))
        else:
            exc.message = t("interrupted_nothing", lang)
        return
    profile = exc.profile or Profile({}, frozenset())
    name = _default_path(_answers_kind(lang), "yaml").name
    written, failures = save_somewhere(profile, save, name)
    notes = "".join(f"{f}\n" for f in failures)
    if written is not None:
        exc.message = notes + t("interrupted", lang, file=shown_path(written))
        return
    import yaml

    dump = yaml.safe_dump(to_file_data(profile), allow_unicode=True, sort_keys=False)
    exc.message = notes + t("interrupted_unsaved", lang) + "\n" + dump


def last_saved() -> Path | None:
    """The newest answers file the wizard saved here (else in the home folder)."""
    for folder in (Path.cwd(), Path.home()):
        try:
            found = [
                (f.stat().st_mtime, f)
                for pattern in ("intertex-reponses-*.yaml", "intertex-answers-*.yaml")
                for f in folder.glob(pattern)
                if f.is_file()
            ]
        except (OSError, RuntimeError):
            continue
        if found:
            return max(found)[1]
    return None


def _no_answers_note(scheme_id: str, lang: str) -> None:
    """``why ID`` without --answers: say so, and offer the last answers saved."""
    from .text.i18n import t
    from .text.sanitize import shown_path
    from .views.lines import Out

    last = last_saved()
    err = Out(sys.stderr)
    err.line(t("why_no_answers", lang), style="yellow")
    if last is not None:
        try:
            shown = shown_path(last.relative_to(Path.cwd()))
        except ValueError:
            shown = shown_path(last)
        err.line(t("why_last_saved", lang))
        err.raw(f"  intertex why {scheme_id} --answers {shown}")


def _default_path(kind: str, ext: str) -> Path:
    """intertex-reponses-2026-11-26.yaml, intertex-plan-2026-11-26.md: never overwriting."""
    stamp = datetime.now().strftime("%Y-%m-%d")
    path = Path.cwd() / f"intertex-{kind}-{stamp}.{ext}"
    n = 2
    while path.exists():
        path = Path.cwd() / f"intertex-{kind}-{stamp}-{n}.{ext}"
        n += 1
    return path


REPORT_SUFFIXES = (".md", ".markdown", ".html", ".htm")


def report_problem(raw: str, keep, lang: str) -> str | None:
    """Why a report cannot be written to ``raw`` (None: it can): its extension, its
    folder (there and writable), what is there already (a regular file, never an
    answers file of this session, ``keep``: even one not written yet)."""
    import os

    from .text.i18n import t
    from .text.sanitize import shown_path

    raw = raw.strip()
    if Path(raw).suffix.lower() not in REPORT_SUFFIXES:
        return t("report_ext", lang)
    path = Path(raw).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
        return t("report_folder", lang, folder=shown_path(folder))
    if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
        return t("report_not_file", lang, file=shown_path(path))
    for other in keep:
        if other is not None and _same_place(path, other):
            return t("report_is_answers", lang, file=shown_path(path))
    return None


def _same_place(a, b) -> bool:
    """The same file, or the same path where neither exists yet (``--save x.md
    --report x.md``: the report would replace the answers just saved)."""
    import os

    from .files.safeio import same_file

    return same_file(a, b) or os.path.realpath(a) == os.path.realpath(b)


def check_report_target(report: Path, answers_files, lang: str = "en") -> None:
    """A report never replaces the answers it was made from (``--answers a.md --report
    a.md``, ``--save x.md --report x.md``), and never writes through a symbolic link;
    its extension and folder are checked before anything is asked or printed."""
    import os

    if os.path.islink(report):
        raise UsageError(
            f"--report {report} is a symbolic link: give the file itself; nothing was written"
        )
    for a in answers_files:
        if a is None:
            continue
        if _same_place(report, a):
            raise UsageError(
                f"--report {report} is the answers file {a}: it would be replaced by the "
                "report; give another name"
            )
    if report.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(f"--report {report}: the extension says the format: .md or .html")
    why = report_problem(str(report), (), lang)
    if why is not None:
        raise UsageError(f"--report {report}: {why}")


def run_check(
    *, answers, ask_missing, save, fmt, explain, lang, catalog, report=None, show_all=False
) -> None:
    from .engine.assess import assess, question_schemes
    from .engine.planner import plan
    from .text.i18n import t

    schemes = tuple(catalog.schemes.values())
    warnings: list[str] = []
    if report is not None:  # before anything is asked or printed
        check_report_target(Path(report), [answers, save], lang)
    if answers is not None:
        from .answers import read_file

        profile, warnings = read_file(str(answers))
    else:
        profile = Profile({}, frozenset())
    target = None
    if explain is not None:
        target = catalog.find(explain)
        if answers is None:
            _no_answers_note(target.id, lang)
    if warnings:
        from .text.messages import localize
        from .views.lines import Out

        err = Out(sys.stderr)
        for w in warnings:
            err.raw(localize(w, lang), lead=t("warning", lang), lead_style="yellow")
    interactive = answers is None or ask_missing
    wizard = None
    if interactive and explain is None:
        if not can_prompt():
            if answers is None:
                raise UsageError(t("no_tty", lang))
            warnings.append("--ask-missing: no terminal, nothing asked")
        else:
            from rich.console import Console

            from .wizard import Wizard, signals_as_interrupt

            # with a machine format on stdout, the conversation goes to stderr
            chat = Console(stderr=fmt != "table", highlight=False)
            wizard = Wizard(schemes, lang, console=chat)
            try:
                with signals_as_interrupt():
                    profile = wizard.run(profile)
            except Interrupted as exc:
                # a resumed questionnaire keeps its answers in the file it resumed
                target = save if save is not None else answers
                _save_interrupted(exc, target, lang, typed=wizard.answered > 0, resumed=answers)
                raise
    saved_to = None
    if save is not None:
        saved_to = _save(profile, save, lang, typed=wizard is not None, asked_for=True)
    elif wizard is not None and answers is not None:
        # resumed: the answers go back into the file they came from (no -2, -3…);
        # a file that cannot take them (read-only, not an answers file): a new one
        saved_to = _save(profile, Path(answers), lang, typed=True, asked_for=False)
    elif wizard is not None:
        # the hints printed after the results name this file: it must exist
        path = _default_path(_answers_kind(lang), "yaml")
        saved_to = _save(profile, path, lang, typed=True, asked_for=False)
    assessment = assess(schemes, profile, catalog.schemes)
    if target is not None:
        _print_explain(assessment.result(target.id), catalog, assessment, fmt, lang)
        return
    answers_file = saved_to if saved_to is not None else answers
    if fmt == "json":  # the questions the wizard would ask: for scripts only
        # its first question is always the projects; then what can still decide
        asked = ["projects", *plan(question_schemes(schemes, profile), profile)]
        from .text.sanitize import stdout_is_utf8
        from .views.jsonout import write
        from .views.present import check_json, dumps

        if stdout_is_utf8():
            # each result made as it is written; a national catalogue's check: one line
            # per result (C encoder), not per field
            data = check_json(assessment, catalog, asked, warnings, lang, lazy=True)
            write(data, sys.stdout, depth=2 if len(data["results"]) > 500 else 3)
        else:  # \u escapes keep the JSON exact on an ASCII or Latin-1 stdout
            sys.stdout.write(dumps(check_json(assessment, catalog, asked, warnings, lang)) + "\n")
    elif fmt == "markdown":
        from .views.report import markdown_report

        sys.stdout.write(markdown_report(assessment, catalog, lang))
    else:
        from .views.lines import Out
        from .views.results import write_results

        write_results(assessment, catalog, lang, answers_file=answers_file, show_all=show_all)
        if saved_to is not None:
            from .text.sanitize import shown_path

            Out(sys.stdout).raw(t("saved", lang, file=shown_path(saved_to)), "dim")
    if report is None and wizard is not None and fmt == "table":
        try:
            with signals_as_interrupt():
                report, name = wizard.ask_report(
                    _default_path("plan", "md"), keep=[p for p in (answers, saved_to) if p]
                )
        except Interrupted as exc:  # the answers are saved already: nothing more to keep
            from .text.sanitize import shown_path

            if saved_to is not None:
                exc.message = t("interrupted", lang, file=shown_path(saved_to))
            else:
                exc.message = t("interrupted_nothing", lang)
            raise
        if name:
            profile = Profile(
                {**profile.answers, "company_name": name}, profile.skipped, profile.ranges
            )
            assessment.profile = profile
            if saved_to is not None:
                save_answers(profile, saved_to)
    if report is not None:
        from .views.report import write_report

        check_report_target(Path(report), [answers, saved_to], lang)
        write_report(Path(report), assessment, catalog, lang)
        if fmt == "table":
            from .views.lines import Out

            Out(sys.stdout).raw(t("report_saved", lang, file=report), "dim")


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
