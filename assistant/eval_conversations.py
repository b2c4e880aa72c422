"""Measuring conversations (README.md, "Kwaliteit meten"): every turn judged with its history.

A conversation set has one conversation per line: {"id", "turns": [{"q", "evidence", "situational",
"out_of_scope"}, ...]}. Each turn is asked with the history so far, the user's earlier questions and the
assistant's *actual* earlier answers, as [{"role", "content"}]: what the page sends. A turn is right when
its evidence is in the answer or the first k citations (in-scope turns), the meldpunt card is there exactly
when the turn is situational, and `out_of_scope` equals the label.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.eval import evidence_in
from index.errors import SettingsError

# Why a turn is wrong; one turn can be wrong for more than one reason.
CAUSES = ("missed evidence", "missing card", "extra card", "false refusal", "missed refusal")
TURN_KEYS = ("q", "evidence", "situational", "out_of_scope")


def load_conversations(path: Path) -> list[dict]:
    """One conversation per line (blank lines skipped); SettingsError naming the line when one is broken."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise SettingsError(f"Kan de gesprekkenset niet lezen: {path} ({err.strerror}).") from err
    convs = []
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            conv = json.loads(line)
            turns = conv["turns"]
            if not isinstance(turns, list) or not turns:
                raise ValueError("'turns' is leeg of geen lijst")
            for turn in turns:
                missing = [k for k in TURN_KEYS if k not in turn]
                if missing:
                    raise ValueError(f"een beurt mist {', '.join(missing)}")
        except (ValueError, KeyError, TypeError) as err:
            raise SettingsError(
                f"{path}, regel {i}: geen geldig gesprek ({err}). Eén JSON-object per regel met "
                '"turns": [{"q", "evidence", "situational", "out_of_scope"}, ...].'
            ) from err
        convs.append(conv)
    return convs


def has_card(result: dict) -> bool:
    """The answer shows the meldpunt card (what the page renders: situational with the card's facts)."""
    return bool(result.get("situational")) and result.get("meldpunt") is not None


def judge_turn(turn: dict, result: dict, *, k: int = 5) -> list[str]:
    """The causes that make this turn wrong (empty when it is right)."""
    causes = []
    refused = bool(result.get("out_of_scope"))
    if turn["out_of_scope"] and not refused:
        causes.append("missed refusal")
    if not turn["out_of_scope"] and refused:
        causes.append("false refusal")
    if not turn["out_of_scope"] and not refused and turn["evidence"]:
        cited = " \n ".join(c.get("text", "") for c in result.get("citations", [])[:k])
        if not evidence_in(turn["evidence"], result.get("answer", "") + " \n " + cited):
            causes.append("missed evidence")
    card = has_card(result)
    if turn["situational"] and not card:
        causes.append("missing card")
    if card and not turn["situational"]:
        causes.append("extra card")
    return causes


@dataclass
class TurnReport:
    """Turns right out of turns, wrong turns counted by cause, and one line per wrong turn."""

    turns: int = 0
    right: int = 0
    causes: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    def add(self, where: str, question: str, causes: list[str]) -> None:
        self.turns += 1
        if not causes:
            self.right += 1
            return
        self.causes.update(causes)
        self.wrong.append(f"{where}: {', '.join(causes)} — {question}")

    def to_dict(self) -> dict:
        return {
            "turns": self.turns,
            "turns_right": self.right,
            "turn_accuracy": self.right / self.turns if self.turns else float("nan"),
            "wrong_by_cause": {c: self.causes.get(c, 0) for c in CAUSES},
            "wrong_turns": list(self.wrong),
        }

    def format(self, *, verbose: bool = False) -> str:
        share = f" ({self.right / self.turns:.3f})" if self.turns else ""
        lines = [f"beurten goed: {self.right}/{self.turns}{share}", "foute beurten per oorzaak:"]
        lines += [f"  {c:<16}{self.causes.get(c, 0):>4}" for c in CAUSES]
        if verbose:
            lines += [f"  fout: {w}" for w in self.wrong]
        return "\n".join(lines)


def run_conversations(assistant, convs: list[dict], *, k: int = 5) -> TurnReport:
    """Ask every turn with the history so far (earlier questions and the assistant's actual answers)."""
    report = TurnReport()
    for conv in convs:
        history: list[dict] = []
        for n, turn in enumerate(conv["turns"], start=1):
            answer = assistant.ask(turn["q"], list(history) or None)
            result = answer.to_dict() if hasattr(answer, "to_dict") else answer
            report.add(f"{conv.get('id', '?')}#{n}", turn["q"], judge_turn(turn, result, k=k))
            history += [
                {"role": "user", "content": turn["q"]},
                {"role": "assistant", "content": result.get("answer", "")},
            ]
    return report
