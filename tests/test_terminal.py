"""The wizard in a real terminal of 80 and 60 columns, 40 rows, as a person sees it.

pexpect runs ``intertex`` in a pseudo-terminal of that size; pyte (a terminal
emulator) keeps the screen it draws, so that a test reads what is on the screen,
line by line, as the person does: nothing cut, no word broken, the plan in view when
the results end. Waits are for a text to appear (with a timeout), never for a time.
"""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

from intertex_cli.engine.vocab import PROJECT_IDS, PROJECTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-06-01"
ROWS = 40
DOWN, UP, ENTER, BACKSPACE = "\x1b[B", "\x1b[A", "\r", "\x7f"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    """A terminal of ``cols`` × 40 running intertex; ``screen`` is what it shows."""

    def __init__(self, args, cwd: Path, cols: int):
        self.cols = cols
        self.screen = pyte.HistoryScreen(cols, ROWS, history=5000)
        self.stream = pyte.ByteStream(self.screen)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm", "HOME": str(cwd)}
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "intertex_cli", *args],
            cwd=str(cwd),
            env=env,
            timeout=30,
            dimensions=(ROWS, cols),
        )
        self.ended = False

    def _read(self) -> None:
        if self.ended or self.child.closed:
            return
        try:
            data = self.child.read_nonblocking(65536, timeout=0.05)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.ended = True
            return
        self.stream.feed(data)
        if b"\x1b[6n" in data:  # where is the cursor? (a real terminal answers)
            y, x = self.screen.cursor.y, self.screen.cursor.x
            self.child.send(f"\x1b[{y + 1};{x + 1}R".encode())

    def lines(self) -> list[str]:
        """The rows on the screen now, without their trailing blanks."""
        return [row.rstrip() for row in self.screen.display]

    def text(self) -> str:
        """The screen's words as one line: a word broken across rows shows as two."""
        return " ".join(" ".join(self.lines()).split())

    def wait(self, words: str, timeout: float = 30) -> None:
        import time

        end = time.monotonic() + timeout
        while words not in self.text():
            if self.ended or time.monotonic() > end:
                raise AssertionError(f"{words!r} not on the screen:\n" + "\n".join(self.lines()))
            self._read()
        for _ in range(4):  # what follows in the same burst
            self._read()

    def send(self, keys: str) -> None:
        self.child.send(keys.encode())

    def finish(self) -> int:
        while not self.ended:
            self._read()
        self.child.close()
        if self.child.signalstatus is not None:
            return 128 + self.child.signalstatus
        return self.child.exitstatus

    def assert_nothing_cut(self, *texts: str) -> None:
        """Every row fits; each text stands whole on the screen (no word broken,
        nothing cut with "…")."""
        for text in texts:  # a screen may come in more than one burst: waited for
            self.wait(" ".join(text.split()), timeout=15)
        for row in self.lines():
            assert len(row) <= self.cols, row


def tarn(tmp_path: Path, drop=("project_budget_eur",), **extra) -> Path:
    answers = yaml.safe_load((ROOT / "examples" / "tissage-tarn.yaml").read_text("utf-8"))
    for k in drop:
        answers.pop(k, None)
    answers.update(extra)
    f = tmp_path / "client.yaml"
    f.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return f


@pytest.mark.parametrize("cols", [80, 60])
def test_the_plan_is_on_the_screen_when_the_results_end(tmp_path, cols):
    f = tarn(tmp_path)
    term = Terminal(["check", "--answers", str(f), "--ask-missing", "--date", DAY], tmp_path, cols)
    term.wait("Budget HT")
    term.send("30 000" + ENTER)
    term.wait("Vérifiez vos réponses")
    term.send(ENTER)
    term.wait("Enregistrer le plan ?")
    term.send("n" + ENTER)
    assert term.finish() == 0
    # the last 40 rows: the total, the first step and whom to call
    term.assert_nothing_cut(
        "Votre plan en bref",
        "Total : 15 000 €",
        "D'abord : Contactez la Région Occitanie (export@laregion.fr)",
        "Contact : Conseil Régional Occitanie · export@laregion.fr",
    )


@pytest.mark.parametrize("cols", [80, 60])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_prompt_or_choice_is_cut(tmp_path, cols, lang):
    term = Terminal(["check", "--date", DAY, "--lang", lang], tmp_path, cols)
    question = "Que voulez-vous faire ?" if lang == "fr" else "What do you want to do?"
    term.wait(question)
    titles = [PROJECTS[p][lang == "en"] for p in PROJECT_IDS]
    hint = "Entrée pour valider)" if lang == "fr" else "Enter to confirm)"
    term.assert_nothing_cut(*titles, hint)
    term.send(DOWN * PROJECT_IDS.index("trade-fairs") + " " + ENTER)
    term.wait("département")
    term.assert_nothing_cut(
        titles[PROJECT_IDS.index("trade-fairs")],  # the answer, written back whole
        "l'entreprise ?" if lang == "fr" else "active establishment?",
    )
    term.send("81" + ENTER)
    budget = "Budget HT prévu" if lang == "fr" else "Planned budget"
    term.wait(budget)
    term.assert_nothing_cut("hors salaire d'une embauche" if lang == "fr" else "new hire's salary")
    term.send("abc" + ENTER)  # refused: the reason on lines of its own, then asked again
    term.wait("4,2 M)" if lang == "fr" else "4.2 M)")
    term.assert_nothing_cut(
        "✘ Un nombre, s'il vous plaît (par exemple 4 200 000 ou 4,2 M)"
        if lang == "fr"
        else "✘ A number, please (for example 4 200 000 or 4.2 M)",
        "[Je ne sais pas / passer : ?] abc" if lang == "fr" else "[I don't know / skip: ?] abc",
    )
    term.send("\x03")
    assert term.finish() == 130


@pytest.mark.parametrize("cols", [80, 60])
def test_the_review_reads_whole(tmp_path, cols):
    f = tarn(tmp_path, projects=["trade-fairs", "market-prospection"])
    term = Terminal(["check", "--answers", str(f), "--ask-missing", "--date", DAY], tmp_path, cols)
    term.wait("Budget HT")
    term.send("2 M€" + ENTER)  # never broken between "2" and "M€"
    term.wait("Vérifiez vos réponses")
    term.assert_nothing_cut(
        "hors salaire d'une embauche) 2 M€",
        "Projets : Exposer sur des salons ou événements internationaux, Étudier et "
        "prospecter un nouveau marché étranger (études, missions, rendez-vous)",
        "Département : 81 (Tarn)",
        "Chiffre d'affaires : 3 200 000 €",
        "Budget du projet : 2 000 000 €",
        "Ajouter une réponse que le questionnaire n'a pas demandée…",
    )
    term.send("\x03")
    assert term.finish() == 130


def test_english_review_lines_read_whole_at_60_columns(tmp_path):
    f = tarn(tmp_path, projects=["trade-fairs", "market-prospection"])
    term = Terminal(
        ["check", "--answers", str(f), "--ask-missing", "--date", DAY, "--lang", "en"],
        tmp_path,
        60,
    )
    term.wait("Planned budget")
    term.send("30k" + ENTER)
    term.wait("Check your answers")
    term.assert_nothing_cut(
        "Projects: Exhibit at international trade fairs or events, Study and prospect a "
        "new foreign market (studies, trips, B2B meetings)",
        "Turnover: €3,200,000",
        "Project budget: €30,000",
        "Add an answer the questionnaire did not ask…",
    )
    assert not re.search(r"\d \d{3} €", term.text())  # no French amount in English
    term.send("\x03")
    assert term.finish() == 130


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_closed_terminal_or_a_kill_keeps_the_answers(tmp_path, sig):
    term = Terminal(["check", "--date", DAY, "--lang", "fr"], tmp_path, 80)
    term.wait("Que voulez-vous faire ?")
    term.send(DOWN * PROJECT_IDS.index("trade-fairs") + " " + ENTER)
    term.wait("département")
    term.send("81" + ENTER)
    term.wait("Budget HT")
    term.child.kill(sig)
    assert term.finish() == 128 + sig
    (saved,) = tmp_path.glob("intertex-reponses-*.yaml")
    assert yaml.safe_load(saved.read_text("utf-8")) == {
        "department": "81",
        "projects": ["trade-fairs"],
    }


@pytest.mark.parametrize("at", ["save-plan", "path", "company"])
def test_ctrl_c_at_the_end_exits_130(tmp_path, at):
    f = tarn(tmp_path)
    term = Terminal(["check", "--answers", str(f), "--ask-missing", "--date", DAY], tmp_path, 80)
    term.wait("Budget HT")
    term.send("30k" + ENTER)
    term.wait("Vérifiez vos réponses")
    term.send(ENTER)
    term.wait("Enregistrer le plan ?")
    if at != "save-plan":
        term.send("o" + ENTER)
        term.wait("Dans quel fichier")
    if at == "company":
        term.send(BACKSPACE * 40 + "plan.md" + ENTER)
        term.wait("Nom de l'entreprise")
    term.send("\x03")
    assert term.finish() == 130
    assert yaml.safe_load(f.read_text("utf-8"))["project_budget_eur"] == 30_000
    assert not list(tmp_path.glob("*.md"))


def test_the_report_folder_is_checked_before_the_company_name(tmp_path):
    f = tarn(tmp_path)
    term = Terminal(["check", "--answers", str(f), "--ask-missing", "--date", DAY], tmp_path, 60)
    term.wait("Budget HT")
    term.send("30k" + ENTER)
    term.wait("Vérifiez vos réponses")
    term.send(ENTER)
    term.wait("Enregistrer le plan ?")
    term.send("o" + ENTER)
    term.wait("Dans quel fichier")
    term.send(BACKSPACE * 40 + "no/such/plan.md" + ENTER)
    term.wait("n'existe pas")
    assert "Nom de l'entreprise" not in term.text()
    term.send(BACKSPACE * 40 + "client.md" + ENTER)
    term.wait("Nom de l'entreprise")
    term.send("Tissages du Tarn" + ENTER)
    assert term.finish() == 0
    assert "Tissages du Tarn" in (tmp_path / "client.md").read_text("utf-8")
