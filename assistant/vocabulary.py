"""The index's vocabulary, for reading a question's words the way the dossier writes them.

Typos are corrected with rapidfuzz against the words of the passages (one slip, two in a long word),
related forms are found by a shared beginning ('gedefinieerd' ~ 'definitie'), compounds are split
into known parts ('crisisopvangplekken' = crisisopvang + plek), and compounds headed by a word are
listed ('cijfer' -> 'kerncijfer': Dutch puts the head last).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cached_property

from index.lexical import tokenize
from index.text import fold

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _without_ge(word: str) -> str:
    """A participle without its ge- ('georganiseerd' -> 'organiseerd'); other words as they are."""
    return word[2:] if word.startswith("ge") and len(word) > 7 else word


@dataclass
class Vocabulary:
    """The index's terms, plus the surface words of its passages for spelling correction."""

    df: dict[str, int]
    surface: dict[str, str]  # folded word as it stands in the passages -> its stem
    size: int

    surface_short: frozenset[str] = frozenset()  # words of 2–3 letters in the passages ('vr', 'om')

    @classmethod
    def from_index(cls, index) -> Vocabulary:
        surface: dict[str, str] = {}
        short: set[str] = set()
        for chunk in index.chunks:
            for w in WORD.findall(fold(chunk.index_text)):
                for part in w.replace("’", "-").replace("'", "-").split("-"):
                    if len(part) < 4:
                        short.add(part)
                    elif part not in surface and not part.isdigit():
                        stems = tokenize(part)
                        if stems:
                            surface[part] = stems[0]
        return cls(dict(index.vocabulary), surface, max(1, len(index.chunks)), frozenset(short))

    def correct(self, word: str, *, strict: bool = False) -> str | None:
        """The stem of the passage word closest to `word`, or None when nothing is close enough."""
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        # An English question's short word is an English word, not a slip on a Dutch one ('offer' is not
        # 'koffer'); its typos are looked for on longer words, names mostly ('Comensa').
        if len(word) < (6 if strict else 5):
            return None
        cutoff = 90.0 if strict else (84.0 if len(word) >= 7 else 88.0)
        hits = process.extract(word, self.surface.keys(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        # A typo is one slip (two in a long word): 'directeur' is not a misspelt 'directe'.
        edits = 1 if len(word) <= 9 else 2
        hits = [h for h in hits if OSA.distance(word, h[0]) <= edits]
        if not hits:
            return None
        # Closest first; among equally close words the more common term.
        best = max(hits, key=lambda h: (round(h[1], 1), self.df.get(self.surface[h[0]], 0)))
        return self.surface[best[0]]

    def related(self, word: str) -> str | None:
        """A passage word of the same family ('gedefinieerd' -> 'definitie', 'bril' -> 'brillen'):
        the longest shared beginning, covering most of the typed word."""
        w = _without_ge(word)
        if len(w) < 4:
            return None
        need = max(4, math.ceil((0.75 if len(w) <= 8 else 0.6) * len(w)))
        prefix = w[:need]
        best, best_len = None, 0
        for s in self._by_prefix.get(prefix[:4], ()):
            # a participle meets its verb: 'organiseert' ~ 'georganiseerd' (read without its ge-)
            bare = _without_ge(s)
            form = bare if bare[:4] == prefix[:4] else s
            # Same family, similar length: 'crisisopvang' is not a form of 'crisisopvangplekken'.
            if not form.startswith(prefix) or form == w or not 0.7 * len(w) <= len(form) <= len(w) + 4:
                continue
            n = len(os.path.commonprefix([form, w]))
            if n > best_len or (
                n == best_len
                and best
                and self.df.get(self.surface[s], 0) > self.df.get(self.surface[best], 0)
            ):
                best, best_len = s, n
        return self.surface[best] if best else None

    @cached_property
    def _by_prefix(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s in self.surface:
            out.setdefault(s[:4], []).append(s)
            if (bare := _without_ge(s)) != s:
                out.setdefault(bare[:4], []).append(s)  # a participle is also found under its verb
        return out

    def split_compound(self, word: str) -> list[str] | None:
        """'meldpuntnummer' -> stems of 'meldpunt' + 'nummer', when both halves are known terms."""
        if len(word) < 8:
            return None
        best = None
        for i in range(3, len(word) - 2):
            head, tail = word[:i], word[i:]
            for link in ("", "s", "e", "en"):
                if link and not head.endswith(link):
                    continue
                h = head[: len(head) - len(link)] if link else head
                hs, ts = tokenize(h), tokenize(tail)
                if len(h) < 3 or not hs or not ts or ts[0] not in self.df:
                    continue
                head_stem = hs[0] if hs[0] in self.df else (self.related(h) if len(h) >= 5 else None)
                if head_stem:
                    score = min(len(h), len(tail)) + (1 if head_stem == hs[0] else 0)
                    if best is None or score > best[0]:
                        best = (score, [head_stem, ts[0]])
        return best[1] if best else None

    def heads(self, stem: str, limit: int = 4) -> list[str]:
        """Known compounds that end in `stem` ('cijfer' -> 'kerncijfer'): Dutch puts the head last."""
        if len(stem) < 5:
            return []
        cached = self._heads.get(stem)
        if cached is None:
            found = [t for t in self.df if t != stem and t.endswith(stem) and len(t) - len(stem) >= 3]
            cached = self._heads[stem] = sorted(found, key=lambda t: (-self.df[t], t))[:limit]
        return cached

    @cached_property
    def _heads(self) -> dict[str, list[str]]:
        return {}
