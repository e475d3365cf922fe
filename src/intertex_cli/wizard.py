"""The guided questionnaire: questionary asks, the planner chooses, the engine decides.

Exactly one function (``Wizard.prompt``) calls questionary. Ctrl-C raises
``Interrupted`` carrying the answers given so far.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import questionary
from rich.console import Console

from .answers import check_range, check_value, contradictions
from .catalog.search import fold
from .check import report_problem
from .engine import geo
from .engine.assess import question_schemes
from .engine.planner import _with, next_question, progress
from .engine.profile import Range
from .engine.rules import Profile
from .engine.vocab import ANSWER_FACTS, ASKED_AFTER, PROJECT_IDS, PROJECTS
from .errors import Interrupted
from .questions import (
    QUESTIONS,
    parse_amount,
    parse_int,
    parse_months,
    parse_percent,
    split_range,
)
from .text.i18n import euros, t
from .text.i18n import progress as progress_text
from .text.messages import localize
from .views.describe import fact_label, value_label

SKIP = "__skip__"  # "je ne sais pas" (questionary returns a Choice's title when its value is None)
DONE = "__done__"
ADD = "__add__"  # the review: answer a question that was not asked
STYLE = questionary.Style(
    [("qmark", "fg:#5f87af bold"), ("question", "bold"), ("answer", "fg:#5faf5f bold")]
)


def screen_width() -> int:
    """The terminal's columns (``COLUMNS`` first), as the results are laid out."""
    from .views.lines import width

    return width(sys.stdout)


def flow(text: str, width: int, used: int, indent: int) -> list[str]:
    """``text`` wrapped at ``width`` columns when its first line starts at column
    ``used`` and the others at ``indent``: no word, amount or phone number broken
    ("2 M€" stays whole). The first line is empty when not even a word fits there."""
    from .views.words import wrap

    text = " ".join(text.split())
    if not text:
        return [""]
    pad = max(0, used - indent)
    room = width - indent
    if pad and pad + len(text.split(" ", 1)[0]) > room:
        return ["", *wrap(text, room).split("\n")]
    lines = wrap("x" * pad + text, room).split("\n")
    lines[0] = lines[0][pad:]
    return lines


def layout(message: str, hint: str, width: int, text: bool) -> tuple[str, str, int]:
    """The question and its hint as questionary prints them ("? " + question + " " +
    hint), wrapped: (question, hint, columns left on the last line for the answer).
    A text prompt's hint goes with its question (questionary would add two spaces)."""
    if text and hint:
        message, hint = f"{message} {hint}", ""
    head = flow(message, width, 2, 2)
    used = 2 + len(head[-1]) + 1  # after "? " or the indent, and a space
    if not hint:
        return "\n  ".join(head), "", width - used
    tail = flow(hint, width, used, 2)
    last = used + len(tail[0]) if len(tail) == 1 else 2 + len(tail[-1])
    return "\n  ".join(head), "\n  ".join(tail), width - last


NAME_MAX = 200  # an answers file's company_name is kept to this length too


def company_name(raw: str, lang: str) -> tuple[str | None, str | None]:
    """The typed company name checked as a file's: control and bidirectional
    characters removed, spaces made single; (None, None) when none is given."""
    from .text.sanitize import clean

    text = " ".join(clean(raw).split())
    if not text:
        return None, None
    if len(text) > NAME_MAX:
        return None, t("name_too_long", lang, n=NAME_MAX)
    value, why = check_value("company_name", text)
    return (value, None) if why is None else (None, localize(why, lang))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Signal(KeyboardInterrupt):
    """SIGHUP or SIGTERM at a prompt: stops the wizard as Ctrl-C does."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def signals_as_interrupt():
    """While the wizard asks, a closed terminal (SIGHUP) or a kill (SIGTERM) ends it as
    Ctrl-C does: the answers given are kept, and the exit code is 128 + the signal."""
    import signal

    def stop(signum, frame):
        raise _Signal(signum)

    wanted = [getattr(signal, n) for n in ("SIGHUP", "SIGTERM") if hasattr(signal, n)]
    old = {}
    try:
        for sig in wanted:
            old[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: signals stay as they were
        pass
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _department_from(text: str):
    code = geo.normalize_department(text)
    if code:
        return code
    wanted = fold(text.strip())
    for c, (name, _) in geo.DEPARTMENTS.items():
        if fold(name) == wanted:
            return c
    return None


def _end_on_ctrl_d(question) -> None:
    """Ctrl-D on a choice ends the wizard as Ctrl-C does (questionary binds only Ctrl-C)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    kb = KeyBindings()

    @kb.add("c-d", eager=True)
    def _(event):
        event.app.exit(exception=EOFError())

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, kb]) if app.key_bindings else kb


def prepare(schemes) -> None:
    """What the first questions need whatever the projects: every current scheme's
    status, projects and rules read, compiled (compiled._Rules) and evaluated with
    nothing answered (rules do not read the projects). A quarter of a second at
    5,000 schemes, while the projects' question is on the screen; the question after
    it is then asked at once. Only a head start: a failure here is met again, and
    reported, when the planner does the same work."""
    from .engine.compiled import compiled

    try:
        nothing = Profile({}, frozenset())
        compiled(question_schemes(schemes, nothing)).states(nothing)
    except Exception:  # noqa: BLE001 - see the docstring
        pass


class Wizard:
    def __init__(self, schemes, lang: str, console: Console | None = None):
        self.schemes = tuple(schemes)
        self.lang = lang
        self.console = console or Console(stderr=False, highlight=False)
        self.current = Profile({}, frozenset())
        self.answered = 0  # questions answered in this session (an interrupt before: nothing saved)

    # ------------------------------------------------------------------ flow

    def run(self, profile: Profile) -> Profile:
        """Projects first, then what is open, then review. Ctrl-C (at a prompt or
        while the next question is chosen), SIGHUP and SIGTERM raise Interrupted."""
        try:
            return self._run(profile)
        except KeyboardInterrupt as e:  # between two prompts
            raise Interrupted(
                "interrupted", profile=self.current, signum=getattr(e, "signum", None)
            ) from None

    def _run(self, profile: Profile) -> Profile:
        self.current = profile
        self.console.print(f"[bold]{t('welcome', self.lang)}[/]")
        if "projects" not in profile.answers and "projects" not in profile.skipped:
            import threading

            # while the person reads the projects, the catalogue is made ready
            ready = threading.Thread(target=prepare, args=(self.schemes,), daemon=True)
            ready.start()
            try:
                profile = self._answer(profile, "projects")
            finally:
                ready.join()  # the catalogue is the planner's again
        return self.review(self.ask_open(profile))

    def ask_open(self, p: Profile) -> Profile:
        """Ask, one at a time, every question that can still decide something for a
        current scheme that serves the company's projects."""
        while True:
            schemes = question_schemes(self.schemes, p)
            key = next_question(schemes, p)
            if key is None:
                return p
            decided, open_ = progress(schemes, p)
            self.say(progress_text(decided, open_, self.lang), "dim", lead="")
            p = self._answer(p, key)

    def _answer(self, p: Profile, key: str, default=None) -> Profile:
        value = self.ask_projects(default) if key == "projects" else self.ask(key, p, default)
        answers = {k: v for k, v in p.answers.items() if k != key}
        skipped = set(p.skipped) - {key}
        ranges = {k: r for k, r in p.ranges.items() if k != key}
        if key == "department":
            answers.pop("region", None)
        if value == SKIP:
            p = Profile(answers, frozenset(skipped | {key}), ranges)
        elif isinstance(value, Range):
            p = Profile(answers, frozenset(skipped), {**ranges, key: value})
        else:
            p = _with(Profile(answers, frozenset(skipped), ranges), key, value)
        self.current = p
        self.answered += 1
        return p

    def review(self, p: Profile) -> Profile:
        """Show the answers; let the person change one, then ask what became open."""
        while True:
            keys = [
                k
                for k in ("projects", *QUESTIONS)
                if (k in p.answers or k in p.skipped or k in p.ranges)
                and not (k == "region" and "department" in p.answers)
            ]
            if not keys:
                return p
            choices = [questionary.Choice(t("review_ok", self.lang), value=DONE)]
            sep = " : " if self.lang == "fr" else ": "
            for k in keys:
                shown = self._shown(k, p)
                name = (
                    t("projects_label", self.lang) if k == "projects" else fact_label(k, self.lang)
                )
                name = _capital(name)  # "Département : 81 (Tarn)"
                choices.append(questionary.Choice(f"{name}{sep}{shown}", value=k))
            more = self._not_asked(p)
            if more:
                choices.append(questionary.Choice(t("review_add", self.lang), value=ADD))
            key = self.prompt(questionary.select, t("review_prompt", self.lang), choices=choices)
            if key == DONE:
                return p
            if key == ADD:  # an answer the questions did not need: the budget, equity…
                back = "__back__"
                options = [
                    questionary.Choice(_capital(fact_label(k, self.lang)), value=k) for k in more
                ]
                options.append(questionary.Choice(t("review_back", self.lang), value=back))
                key = self.prompt(questionary.select, t("review_add_q", self.lang), choices=options)
                if key == back:
                    continue
            default = p.answers.get(key)
            if key in p.ranges:
                r = p.ranges[key]
                default = f"{r.lo}-{r.hi}" if r.hi != float("inf") else None
            p = self._answer(p, key, default=default)
            p = self.ask_open(p)

    def _not_asked(self, p: Profile) -> list[str]:
        """The questions that can still be answered in the review: neither answered
        nor skipped (the region when the département says it is never one)."""
        return [
            k
            for k in QUESTIONS
            if k not in p.answers
            and k not in p.skipped
            and k not in p.ranges
            and not (k == "region" and "department" in p.answers)
        ]

    def _shown(self, key: str, p: Profile) -> str:
        if key in p.ranges:
            return value_label(key, p.ranges[key].as_answer(), self.lang)
        if key not in p.answers:
            return t("skipped", self.lang)
        if key == "projects":
            return ", ".join(PROJECTS[x][self.lang == "en"] for x in p.answers[key])
        return value_label(key, p.answers[key], self.lang)

    def ask_report(self, default_path, keep=()) -> tuple[str | None, str | None]:
        """At the end: save the plan as a report? (path or None, company name or None).
        The path is checked (extension, folder, not an answers file in ``keep``)
        before the name is asked; the name as a file's is (answers.check_value)."""
        lang = self.lang
        yes = self.prompt(
            questionary.select,
            t("save_plan", lang),
            choices=[
                questionary.Choice(
                    t("yes", lang), value=True, shortcut_key="o" if lang == "fr" else "y"
                ),
                questionary.Choice(t("no", lang), value=False, shortcut_key="n"),
            ],
            use_shortcuts=True,
        )
        if not yes:
            return None, None
        raw = default_path.name
        while True:
            raw = self.prompt(questionary.text, t("save_plan_where", lang), default=raw)
            why = report_problem(raw, keep, lang)
            if why is None:
                break
            self.say("✘ " + why, "yellow")
        name = ""
        while True:
            name = self.prompt(questionary.text, t("company_name", lang), default=name, blank="")
            value, why = company_name(name, lang)
            if why is None:
                return str(Path(raw.strip()).expanduser()), value
            self.say("✘ " + why, "yellow")

    # ------------------------------------------------------------------ asking

    def ask_projects(self, default=None):
        """The first question: what the company wants to do (several, or don't know)."""
        lang = self.lang
        chosen = set(default or ())
        choices = [
            questionary.Choice(PROJECTS[pid][lang == "en"], value=pid, checked=pid in chosen)
            for pid in PROJECT_IDS
        ]
        choices.append(questionary.Choice(t("dont_know", lang), value=SKIP))
        picked = self.prompt(questionary.checkbox, t("projects_q", lang), choices=choices)
        picked = [x for x in picked if x != SKIP]
        return tuple(picked) if picked else SKIP

    def prompt(self, kind, message: str, hint: str | None = None, blank: str | None = None, **kw):
        """The one place that calls questionary. Ctrl-C, Ctrl-D and input that ends
        (a closed pipe) raise Interrupted with the answers given so far.

        Nothing is cut and no word is broken at any width: the question, its hint
        and each choice are wrapped here at the terminal's width (questionary would
        let the terminal cut them); once answered, the prompt is erased and the
        question is written back with its answer, wrapped, in the interface's
        language (questionary's own "done (2 selections)" and "(Use arrow keys)"
        never show)."""
        width = screen_width() - 1  # a full last column makes some terminals wrap
        listing = kind in (questionary.select, questionary.checkbox)
        if listing and hint is None:
            which = "hint.checkbox" if kind is questionary.checkbox else "hint.select"
            if kw.get("use_shortcuts"):
                which = "hint.shortcuts"
            hint = t(which, self.lang)
        titles = {}
        if listing:  # " » " and "○ " or "o) " before each title
            lead = 3 + (2 if kind is questionary.checkbox else 0)
            lead += 3 if kw.get("use_shortcuts") else 0
            for c in kw["choices"]:
                titles[c.value] = c.title
                c.title = ("\n" + " " * lead).join(flow(c.title, width, lead, lead))
        head, tail, room = layout(message, hint or "", width, kind is questionary.text)
        if kind is questionary.text and room < 20:
            tail += "\n "  # the answer starts on a line of its own
        try:
            question = kind(
                head,
                qmark="?",
                style=STYLE,
                instruction=tail or ("" if listing else None),
                erase_when_done=True,
                **kw,
            )
            if kind is not questionary.text:  # a text prompt ends on Ctrl-D by itself
                _end_on_ctrl_d(question)
            answer = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError) as e:
            raise Interrupted(
                "interrupted", profile=self.current, signum=getattr(e, "signum", None)
            ) from None
        if listing:
            picked = answer if kind is questionary.checkbox else [answer]
            shown = ", ".join(titles.get(v, str(v)) for v in picked if v != SKIP)
            shown = shown or t("dont_know", self.lang)
        else:
            shown = answer.strip()
            if shown in ("", "?"):
                shown = t("skipped", self.lang) if blank is None else blank
        self.echo(message, shown)
        return answer

    def echo(self, message: str, answer: str) -> None:
        """The question answered, as it stays on the screen: wrapped, never cut."""
        from .views.lines import Out

        out = Out(self.console.file)
        lines = flow(f"{message} {answer}", screen_width() - 1, 2, 2)
        if out.colour:  # the answer in green, wherever the lines break
            at, start = len(" ".join(message.split())) + 1, 0
            for i, line in enumerate(lines):
                cut = min(max(at - start, 0), len(line))
                lines[i] = line[:cut] + out.paint(line[cut:], "green")
                start += len(line) + 1
        out.stream.write(out.paint("?", "bold") + " " + "\n  ".join(lines) + "\n")
        out.stream.flush()

    def say(self, text: str, style: str = "", lead: str = "  ") -> None:
        """A line of the conversation (a refusal, a progress), wrapped."""
        from .views.lines import Out

        out = Out(self.console.file)
        out.width = screen_width() - 1
        out.line(text, indent=lead, first=lead, style=style)
        out.stream.flush()

    def ask(self, key: str, p: Profile, default=None):
        q = QUESTIONS[key]
        spec = ANSWER_FACTS[key]
        lang = self.lang
        text = q.text[lang]
        help_ = q.help[lang]
        whole = ASKED_AFTER.get(key)
        if q.alone and whole not in p.answers and whole not in p.ranges:
            text, help_ = q.alone[lang]  # "Part de ce chiffre d'affaires…" needs it known
        dont = t("dont_know", lang)
        if spec.kind == "bool" or q.choices:
            if spec.kind == "bool":
                options = [(True, t("yes", lang)), (False, t("no", lang))]
            else:
                options = list(q.choices[lang].items())
            if spec.kind == "bool":  # typed like a confirm: o/n/p (y/n/s), or the arrows
                keys = ["o", "n", "p"] if lang == "fr" else ["y", "n", "s"]
                choices = [
                    questionary.Choice(label, value=v, shortcut_key=k)
                    for (v, label), k in zip(options, keys)
                ]
                choices.append(questionary.Choice(dont, value=SKIP, shortcut_key=keys[2]))
                extra = {"use_shortcuts": True}
            else:
                choices = [questionary.Choice(label, value=v) for v, label in options]
                choices.append(questionary.Choice(dont, value=SKIP))
                extra = {}
            start = next((c for c in choices if c.value == default), None)
            return self.prompt(
                questionary.select,
                text,
                hint=help_ or None,
                choices=choices,
                default=start,
                **extra,
            )
        message = text + (f" ({help_})" if help_ else "")
        hint = f"[{dont} : ?]" if lang == "fr" else f"[{dont}: ?]"
        shown_default = "" if default is None else str(default)
        while True:  # a refused answer: the reason, wrapped, and the question again
            raw = self.prompt(questionary.text, message, hint=hint, default=shown_default)
            value, why = self.check(key, raw, p)
            if why is None:
                return value
            self.say("✘ " + why, "yellow")
            shown_default = raw

    def check(self, key: str, raw: str, p: Profile):
        """What a typed answer means: (value, None), (SKIP, None), or (None, the reason
        it is refused, in the interface's language: asked again). A range ("20-49",
        "entre 20 et 49", "1-2 M€") is checked bound by bound."""
        spec = ANSWER_FACTS[key]
        lang = self.lang
        s = raw.strip()
        if s in ("", "?") or fold(s) in (
            "je ne sais pas",
            "nsp",
            "skip",
            "i don't know",
            "dont know",
        ):
            return SKIP, None

        def number(text: str):
            if key == "months_of_activity":
                return parse_months(text)
            if spec.kind == "int":
                return parse_int(text)
            v = parse_amount(text)
            return int(v) if float(v).is_integer() else round(v, 2)

        bounds = split_range(s) if key != "department" else None
        try:
            share = parse_percent(s) if key in ASKED_AFTER else None
            if share is not None:  # "5 %" of the turnover given before it
                whole = ASKED_AFTER[key]
                if whole in p.answers:
                    v = round(p.answers[whole] * share, 2)
                    v = int(v) if float(v).is_integer() else v
                elif whole in p.ranges and p.ranges[whole].hi != float("inf"):
                    r = p.ranges[whole]
                    v = {"min": round(r.lo * share), "max": round(r.hi * share)}
                else:
                    return None, t("percent_needs_whole", lang, what=fact_label(whole, lang))
            elif key == "department":
                v = _department_from(s)
                if v is None:
                    return None, t("invalid_department", lang)
            elif bounds is not None:  # "20-49", "entre 20 et 49", "1-2 M€"
                v = {"min": number(bounds[0]), "max": number(bounds[1])}
            else:
                v = number(s)
        except (ValueError, OverflowError):
            what = {"int": "invalid_int"}.get(spec.kind, "invalid_number")
            if key == "months_of_activity":
                what = "invalid_months"
            return None, t(what, lang)
        highest = max(v.values()) if isinstance(v, dict) else v
        if spec.max is not None and highest > spec.max:
            if spec.unit == "eur":
                bound = euros(spec.max, lang)
            else:
                bound = f"{int(spec.max):,}".replace(",", " " if lang == "fr" else ",")
            return None, t("implausible", lang, max=bound)
        canon, why = check_range(key, v) if isinstance(v, dict) else check_value(key, v)
        if why:
            return None, localize(why, lang)
        trial = {**p.answers}
        trial_ranges = {k: r for k, r in p.ranges.items() if k != key}
        trial.pop(key, None)
        if isinstance(canon, Range):
            trial_ranges[key] = canon
        else:
            trial[key] = canon
        if key == "department":
            trial.pop("region", None)
        for c in contradictions(trial, trial_ranges):
            if key in c.keys:
                params, code = dict(c.params), c.code
                if code == "export_gt_turnover":
                    params = {"t": euros(params["t"], lang), "e": euros(params["e"], lang)}
                    if key == "turnover_eur":
                        code = "turnover_lt_export"
                elif code == "size_contradicts":
                    code, params = None, {}
                return None, t(code, lang, **params) if code else localize(c.message, lang)
        return canon, None
