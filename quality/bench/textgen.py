"""Generated government prose for the benchmark: a seeded character-level model of the real texts.

The repo can carry about a million characters of real releases; the benchmark needs fifteen
million at 1× and ten times that at 10×. Copying the real texts (as the corpus once did) makes
most of the index a repeat, which flatters every engine: the same postings, the same cached
pages. Text from a model fitted on the real texts instead has their term frequencies, phrase
lengths, line structure (headings such as 一、 （一） 1., paragraphs) and script, and does not
repeat: every document has its own seed.

The model is a variable-order Markov chain that generates by copying runs: look up where the
last few generated characters occur in the training text, jump to one of those places at random
and copy the next 2-12 characters from there, then look again. One dictionary lookup and one
slice per run rather than per character is what makes pure Python fast enough (millions of
characters a second) for the 10× corpus. A context is indexed only where following it leads
somewhere new (``MIN_CHOICES``, ``MIN_BRANCHES``); elsewhere the model backs off to a shorter one.
Simplified and Traditional texts get a model each, so that no document mixes the scripts.

Everything is deterministic: the same training texts and seed give the same documents, and
document ``n`` is the same however many are asked for.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from documents.script import traditional_share

#: Context lengths tried, longest first. Six characters keep words and short phrases whole;
#: the shorter ones are the back-off for contexts too rare to follow.
ORDERS = (6, 4, 2, 1)
#: Orders for titles: a few hundred lines of set phrases (…关于…的通知), which titles may
#: share; long contexts keep them whole.
TITLE_ORDERS = (6, 3, 1)
#: A context is followed only if it occurs at least this often (a rarer one is a quotation)
MIN_CHOICES = 3
#: and is followed by at least this many different characters: one always followed by the same
#: character is inside a set phrase, and following it would copy the phrase and the formula
#: around it into every document (the share of distinct sentences fell from 0.98 to 0.91).
MIN_BRANCHES = 2
#: Shortest and longest run copied from one place of the training text.
RUN_CHARS = (2, 12)
#: At most this much training text per script: the index keeps up to four positions a character
#: (about 500 MB at its peak while fitting 2.6 M characters).
FIT_CHARS = 3_000_000
#: Share of Han characters changed by t2s above which a text is Traditional (Simplified reports
#: score 0 to 0.05, Traditional texts 0.18 and more).
TRADITIONAL_SHARE = 0.1
#: Bounds of a generated body and title, in characters.
BODY_CHARS = (200, 60_000)
TITLE_CHARS = (6, 80)
#: Where a body may stop: after a sentence, a heading or a paragraph.
SENTENCE_ENDS = "。！？\n"


@dataclass(frozen=True, slots=True)
class Doc:
    """A title and a body: a real text to learn from, or a generated one."""

    title: str
    text: str


class CharModel:
    """A variable-order model of one training text: each context maps to where it occurs."""

    def __init__(
        self,
        text: str,
        orders: Sequence[int] = ORDERS,
        min_choices: int = MIN_CHOICES,
        min_branches: int = MIN_BRANCHES,
    ):
        self.text = text
        self.orders = tuple(sorted(orders, reverse=True))
        self._next = _index(text, self.orders, min_choices, min_branches)

    def run_after(self, context: str, rng: random.Random) -> str:
        """A run of characters that may follow ``context`` (its longest indexed suffix)."""
        for order in self.orders:
            positions = self._next.get(context[-order:])
            if positions is not None:
                break
        else:  # a context no training character ends: go on from anywhere
            positions = self._next[""]
        return self._run(positions[int(rng.random() * len(positions))], rng)

    def generate(
        self, start: int, chars: int, rng: random.Random, ends: str = SENTENCE_ENDS
    ) -> str:
        """At least ``chars`` characters from position ``start``, up to one of ``ends``."""
        width = self.orders[0]
        runs = [self._run(start, rng)]
        length = len(runs[0])
        tail = runs[0][-width:]
        while length < chars:
            run = self.run_after(tail, rng)
            runs.append(run)
            length += len(run)
            tail = (tail + run)[-width:]
        text = "".join(runs)
        for _ in range(64):  # finish the sentence, within reason
            end = _first_end(text, chars, ends)
            if end >= 0:
                return text[: end + 1]
            text += self.run_after(text[-width:], rng)
        return text

    def _run(self, start: int, rng: random.Random) -> str:
        low, high = RUN_CHARS
        return self.text[start : start + low + int(rng.random() * (high - low + 1))]


class Generator:
    """Documents modelled on real ones: the script, length and kind of title of a random one.

    Lengths follow the real distribution, times ``mean_chars`` over the real mean when a mean
    is asked for (within ``BODY_CHARS``).
    """

    def __init__(self, samples: Sequence[Doc], seed: int, mean_chars: float | None = None):
        self.samples = [s for s in samples if s.text.strip()]
        if not self.samples:
            raise ValueError("the generator needs real texts to learn from")
        self.seed = seed
        real_mean = sum(len(s.text) for s in self.samples) / len(self.samples)
        self.scale = mean_chars / real_mean if mean_chars else 1.0

    @cached_property
    def _traditional(self) -> list[bool]:
        return [traditional_share(s.text) > TRADITIONAL_SHARE for s in self.samples]

    @cached_property
    def _scripts(self) -> dict[bool, _Script]:
        """The models of each script the samples are in (Traditional or not), fitted once."""
        return {
            script: _Script.fit(
                [s for s, t in zip(self.samples, self._traditional, strict=True) if t == script]
            )
            for script in sorted(set(self._traditional))
        }

    def document(self, number: int) -> Doc:
        """Document ``number``, from its own seed."""
        rng = random.Random(f"{self.seed}:{number}")  # noqa: S311 - reproducible, not secret
        pick = rng.randrange(len(self.samples))
        script = self._scripts[self._traditional[pick]]
        low, high = BODY_CHARS
        chars = round(len(self.samples[pick].text) * self.scale * rng.uniform(0.8, 1.25))
        start = script.starts[rng.randrange(len(script.starts))]
        text = script.body.generate(start, min(max(chars, low), high), rng).strip()
        title = script.title(rng) or text.split("\n", 1)[0][: TITLE_CHARS[1]]
        return Doc(title, text)


@dataclass(frozen=True, slots=True)
class _Script:
    """The models of one script: bodies and titles, and where their training texts start."""

    body: CharModel
    titles: CharModel
    starts: list[int]
    title_starts: list[int]

    @classmethod
    def fit(cls, samples: Sequence[Doc]) -> _Script:
        body, starts = _training_text([s.text for s in samples], FIT_CHARS)
        titles, title_starts = _training_text([s.title for s in samples], FIT_CHARS // 10)
        if not titles:  # untitled texts: their lines stand in
            titles, title_starts = body, starts
        title_model = CharModel(titles, TITLE_ORDERS, min_choices=2, min_branches=1)
        return cls(CharModel(body), title_model, starts, title_starts)

    def title(self, rng: random.Random) -> str:
        """A line of the title model within ``TITLE_CHARS``; empty after a few misses."""
        low, high = TITLE_CHARS
        for _ in range(8):
            start = self.title_starts[rng.randrange(len(self.title_starts))]
            line = self.titles.generate(start, low, rng, ends="\n").split("\n", 1)[0].strip()
            if low <= len(line) <= high:
                return line
        return ""


def _first_end(text: str, after: int, ends: str) -> int:
    found = [i for i in (text.find(end, after) for end in ends) if i >= 0]
    return min(found, default=-1)


def _training_text(texts: Sequence[str], limit: int) -> tuple[str, list[int]]:
    """The texts joined by blank lines, up to ``limit`` characters, and where each starts."""
    parts: list[str] = []
    starts: list[int] = []
    size = 0
    for text in texts:
        text = text.strip()
        if not text or size >= limit:
            continue
        starts.append(size)
        parts.append(text[: limit - size] + "\n\n")
        size += len(parts[-1])
    return "".join(parts), starts


def _index(
    text: str, orders: Sequence[int], min_choices: int, min_branches: int
) -> dict[str, array]:
    """Context → the positions that follow it, for the contexts worth following.

    Every context of the lowest order is kept; the empty context holds every position, the
    last resort of the back-off. Positions near the end are left out so that every run has
    its full length.
    """
    last = len(text) - RUN_CHARS[1]
    index: dict[str, array] = {"": array("i", range(max(last, 1)))}
    for order in orders:
        found: dict[str, list[int]] = {}
        for position in range(order, last):
            found.setdefault(text[position - order : position], []).append(position)
        lowest = order == min(orders)
        index.update(
            (context, array("i", positions))
            for context, positions in found.items()
            if lowest or _worth_following(text, positions, min_choices, min_branches)
        )
    return index


def _worth_following(text: str, positions: list[int], min_choices: int, branches: int) -> bool:
    if len(positions) < min_choices:
        return False
    return branches <= 1 or len({text[p] for p in positions}) >= branches
