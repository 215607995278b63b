"""Unit bodies: theme, elements, performance criteria, knowledge items and evidence requirements.

A body opens with "Unit NNN <title>" (the title may
wrap onto the next line) and runs to the next unit or appendix. The heading comes back
as a running header at the top of the unit's later pages; it is set aside wherever it
falls, even inside a criterion, whose text then goes on after it. Within a body, labels
open its parts:

- "Rationale": "This unit sits within the Customer Service Theme of Impression and Image."
- "Customer Service standards": elements "207.1 ..." and performance criteria "207.1.1 ...".
- "Knowledge and understanding": items "a ...", "b ...", or the statement that the
  knowledge is "contained in the Customer Service Standards above" (then there are none).
- "Key words and phrases": numbered phrases "1 ...", "2 ...".
- "Evidence requirements": "1 ...", "2 ..." with lettered items "a ...", "b ..." after a colon.

"What this unit is about" and the stems ("When you ... you must consistently:") have
no dataset column: they are left unmarked, so they are reported as unparsed text
rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.core import ids
from pipeline.core.records import Criterion, EvidenceRequirement, KeyWord, Line, Note, Outcome
from pipeline.core.text import clean, join_wrapped
from pipeline.parse import ParseContext
from pipeline.parse.cg_legacy.sections import Section
from pipeline.parse.cg_legacy.text import continues, fold, search_lines, unit_heading
from pipeline.parse.toolkit.furniture import split_repeats
from pipeline.parse.toolkit.notes import note_label

RATIONALE, ABOUT, STANDARDS, KNOWLEDGE, KEY_WORDS, EVIDENCE = (
    "Rationale", "What this unit is about", "standards", "Knowledge and understanding",
    "Key words and phrases", "Evidence requirements",
)
_LABELS = {fold(label): label for label in (RATIONALE, ABOUT, KNOWLEDGE, KEY_WORDS, EVIDENCE)}
# The parts every complete body has, in the order they come.
EXPECTED_PARTS = (STANDARDS, KNOWLEDGE, EVIDENCE)
MAX_TITLE_LINES = 3

_ELEMENT = re.compile(r"^(\d{3})\.(\d{1,2})\s+(\S.*)$")
_CRITERION = re.compile(r"^(\d{3})\.(\d{1,2})\.(\d{1,2})\s+(\S.*)$")
_LETTERED = re.compile(r"^([a-z])\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_THEME = re.compile(r"\bTheme of\s+(?P<theme>[^.]+?)\s*\.", re.I)
_IN_STANDARDS = re.compile(r"\bcontained in the\b.*\bstandards above\b", re.I)
# An evidence requirement numbered more than this past the last one is a continuation line.
MAX_NUMBER_STEP = 3


def part_label(text: str) -> str | None:
    """The body part a label line opens ("Customer Service standards" -> standards), else None."""
    folded = fold(text)
    if folded in _LABELS:
        return _LABELS[folded]
    # "Customer Service standards": a capitalised name, then "standards".
    *name, last = clean(text).split() or [""]
    return STANDARDS if last == "standards" and 0 < len(name) <= 3 and all(w[0].isupper() for w in name) else None


def standard_number(text: str) -> tuple[str, str, str] | None:
    """("element" or "criterion", its number, its text) for a numbered line of the standards."""
    text = clean(text)
    if match := _CRITERION.match(text):
        return "criterion", ".".join(match.groups()[:3]), match.group(4)
    if match := _ELEMENT.match(text):
        return "element", ".".join(match.groups()[:2]), match.group(3)
    return None


def theme_of(text: str) -> str | None:
    """The theme a rationale names: "... sits within the Customer Service Theme of Delivery." -> Delivery."""
    match = _THEME.search(clean(text))
    return clean(match.group("theme")) if match else None


@dataclass(frozen=True)
class Body:
    """What one unit body yielded, records ready to publish."""

    code: str
    title: str
    theme: str | None
    heading: Line
    last: Line
    outcomes: tuple[Outcome, ...]
    criteria: tuple[Criterion, ...]
    evidence: tuple[EvidenceRequirement, ...]
    key_words: tuple[KeyWord, ...]
    notes: tuple[Note, ...]


@dataclass
class _Item:
    """A numbered item being read: element, criterion, knowledge or evidence, with lettered sub-items."""

    kind: str
    number: str
    parts: list[str]
    lines: list[Line]
    items: list[_Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_wrapped(self.parts)

    def add(self, line: Line) -> None:
        self.parts.append(clean(line.text))
        self.lines.append(line)


class _BodyReader:
    """Reads one unit's lines, part by part."""

    def __init__(self, ctx: ParseContext, scheme: str, code: str, title_variants: Sequence[str]):
        self.ctx, self.code, self.variants = ctx, code, list(title_variants)
        self.unit_key = ids.unit_key(scheme, code)
        self.title = ""
        self.part: str | None = None
        self.label: Line | None = None
        self.parts_seen: list[str] = []
        self.pending: list[Line] = []  # rationale text, or the stem before a list's first item
        self.item: _Item | None = None
        self.theme: str | None = None
        self.outcomes: dict[str, Outcome] = {}
        self.criteria: dict[str, Criterion] = {}
        self.evidence: list[EvidenceRequirement] = []
        self.key_words: list[KeyWord] = []
        self.notes: list[Note] = []
        self.readers = {RATIONALE: self.pending.append, STANDARDS: self._read_standards,
                        KNOWLEDGE: self._read_knowledge, KEY_WORDS: self._read_key_words,
                        EVIDENCE: self._read_evidence}

    def read(self, span: Sequence[Line]) -> Body:
        index = self._read_heading(span, self.variants)
        self.ctx.use(*span[:index])
        # The heading restated as the running header of the unit's later pages.
        body, repeats = split_repeats(span[index:], clean(" ".join(l.text for l in span[:index])))
        self.ctx.furniture(*repeats)
        for line in body:
            if (label := part_label(line.text)) is not None:
                self._close_part()
                self.part, self.label = label, line
                self.parts_seen.append(label)
            elif self.part in self.readers:
                self.readers[self.part](line)
        self._close_part()
        self._check_complete(span[-1])
        return Body(self.code, self.title, self.theme, span[0], span[-1], tuple(self.outcomes.values()),
                    tuple(self.criteria.values()), tuple(self.evidence), tuple(self.key_words), tuple(self.notes))

    def _read_heading(self, span: Sequence[Line], known: Sequence[str]) -> int:
        """Index after the unit's heading and its wrapped title lines; sets the title."""
        parts = [unit_heading(span[0].text)[1]]  # type: ignore[index]
        # Follow a known title (table or first heading) while the heading agrees with it so far;
        # without one, a wrapped title goes on in lower case ("Unit 301 Understand ... improve" / "service delivery").
        guide = [t for t in known if continues(t, parts[0])]
        end = 1
        while end < len(span) and end <= MAX_TITLE_LINES:
            text = clean(span[end].text)
            if part_label(text) or standard_number(text) or unit_heading(text):
                break
            joined = join_wrapped([*parts, text])
            if not (any(continues(t, joined) for t in guide) if guide else text[:1].islower()):
                break
            parts.append(text)
            end += 1
        self.title = join_wrapped(parts)
        return end

    # --- parts ---------------------------------------------------------------

    def _read_note(self, line: Line) -> bool:
        """Open a note ("Range", "Guidance", "Note") at a label line; False if the line is none."""
        label = note_label(line.text)
        if label is None:
            return False
        self._flush()
        self.item = _Item("note", label[0], [label[1]], [line])
        return True

    def _read_standards(self, line: Line) -> None:
        if self._read_note(line):
            return
        numbered = standard_number(line.text)
        if numbered is None:
            if self.item:
                self.item.add(line)
            return  # else the stem: "When you ... you must consistently:"
        self._flush()
        kind, number, text = numbered
        if self._numbering_ok(kind, number, line):
            self.item = _Item(kind, number, [text], [line])

    def _read_knowledge(self, line: Line) -> None:
        if self._read_note(line):
            return
        match = _LETTERED.match(clean(line.text))
        letters = [k.removeprefix("k.") for k in self.criteria if k.startswith("k.")]
        last = self.item.number if self.item and self.item.kind == "knowledge" else (letters[-1] if letters else None)
        if match and self._opens_letter(match.group(1), last, self.pending, line):
            self._flush()
            self.item = _Item("knowledge", match.group(1), [match.group(2)], [line])
        elif self.item:
            self.item.add(line)
        else:
            self.pending.append(line)  # the stem: "To be competent at ... you need to know and understand:"

    def _read_key_words(self, line: Line) -> None:
        numbered = _NUMBERED.match(clean(line.text))
        last = int(self.item.number) if self.item else 0
        if numbered and int(numbered.group(1)) == last + 1:
            self._flush()
            self.item = _Item("key word", numbered.group(1), [numbered.group(2)], [line])
        elif self.item:
            self.item.add(line)

    def _read_evidence(self, line: Line) -> None:
        text = clean(line.text)
        requirement = self.item
        last = int(requirement.number) if requirement else 0
        numbered = _NUMBERED.match(text)
        if numbered and last < int(numbered.group(1)) <= last + MAX_NUMBER_STEP:
            self._flush()
            if int(numbered.group(1)) != last + 1:
                self.ctx.issue("numbering-gap", f"unit {self.code}: evidence requirement {numbered.group(1)} "
                               f"follows {last}", at=line)
            self.item = _Item("evidence", numbered.group(1), [numbered.group(2)], [line])
            return
        if requirement is None:
            return
        lettered = _LETTERED.match(text)
        sub = requirement.items[-1] if requirement.items else None
        lead = [] if sub else requirement.lines
        if lettered and self._opens_letter(lettered.group(1), sub.number if sub else None, lead, line):
            requirement.items.append(_Item("item", lettered.group(1), [lettered.group(2)], [line]))
        else:
            (sub or requirement).add(line)

    # --- items ---------------------------------------------------------------

    def _opens_letter(self, letter: str, last: str | None, lead: Sequence[Line], line: Line) -> bool:
        """Whether a lettered line opens an item: the next letter, or "a" after a colon ("understand:")."""
        if last is None:
            return letter == "a" and (not lead or clean(lead[-1].text).endswith(":"))
        if letter <= last:
            return False  # "a" as a word at the start of a wrapped line
        if ord(letter) != ord(last) + 1:
            self.ctx.issue("numbering-gap", f"unit {self.code}: item {letter} follows {last}", at=line)
        return True

    def _numbering_ok(self, kind: str, number: str, line: Line) -> bool:
        """Check an element or criterion number against the unit and the one before; False for a duplicate."""
        unit, *rest = number.split(".")
        if unit != self.code:
            self.ctx.issue("numbering-mismatch", f"{kind} {number} is numbered for unit {unit}, inside unit {self.code}",
                           at=line)
        parent = number.rsplit(".", 1)[0]
        if kind == "criterion" and parent not in self.outcomes:
            self.ctx.issue("numbering-gap", f"criterion {number} has no element {parent}", at=line)
        seen = self.outcomes if kind == "element" else self.criteria
        if number in seen:
            self.ctx.issue("numbering-duplicate", f"unit {self.code}: {kind} {number} appears twice", at=line)
            return False
        siblings = [k for k in seen if k.rsplit(".", 1)[0] == parent]
        expected = int(siblings[-1].rsplit(".", 1)[1]) + 1 if siblings else 1
        if int(rest[-1]) != expected:
            self.ctx.issue("numbering-gap", f"unit {self.code}: {kind} {number} where {expected} was expected", at=line)
        return True

    def _flush(self) -> None:
        """Turn the item being read into its record."""
        item, self.item = self.item, None
        if item is None:
            return
        doc_id, page = self.ctx.doc_id, item.lines[0].page
        if item.kind == "element":
            self.outcomes[item.number] = Outcome(self.unit_key, item.number, item.text, doc_id, page)
        elif item.kind in ("criterion", "knowledge"):
            number = item.number if item.kind == "criterion" else f"k.{item.number}"
            outcome_no = number.rsplit(".", 1)[0] if item.kind == "criterion" else None
            kind = "performance" if item.kind == "criterion" else "knowledge"
            self.criteria[number] = Criterion(ids.criterion_key(self.unit_key, number), self.unit_key, outcome_no,
                                              number, kind, item.text, None, doc_id, page)
        elif item.kind == "note":
            # A note under the standards belongs to the element its criteria are under.
            outcome_no = next(reversed(self.outcomes), None) if self.part == STANDARDS else None
            self.notes.append(Note(self.unit_key, outcome_no, item.number, item.text, doc_id, page))
        elif item.kind == "key word":
            self.key_words.append(KeyWord(self.unit_key, int(item.number), item.text, doc_id, page))
        else:
            items = tuple(sub.text for sub in item.items)
            self.evidence.append(EvidenceRequirement(self.unit_key, item.number, item.text, items, doc_id, page))
            self.ctx.use(*(line for sub in item.items for line in sub.lines))
        self.ctx.use(*item.lines)

    def _close_part(self) -> None:
        """Finish the part being read: its last item, its theme sentence or its "no knowledge" statement."""
        self._flush()
        knowledge = any(c.kind == "knowledge" for c in self.criteria.values())
        found = None
        if self.part == RATIONALE:
            found = search_lines(_THEME, self.pending)
            if found:
                self.theme = clean(found[0].group("theme"))
            else:
                self.ctx.issue("theme-missing", f"unit {self.code}: the rationale names no theme", at=self.label)
        elif self.part == KNOWLEDGE and not knowledge:
            found = search_lines(_IN_STANDARDS, self.pending)  # "... contained in the ... Standards above."
        made = {
            RATIONALE: found is not None, KNOWLEDGE: found is not None or knowledge,
            STANDARDS: bool(self.outcomes or self.criteria), EVIDENCE: bool(self.evidence),
            KEY_WORDS: bool(self.key_words),
        }.get(self.part or "", False)
        if found:
            self.ctx.use(*found[1])
        if made and self.label is not None:
            self.ctx.use(self.label)
        self.pending.clear()

    def _check_complete(self, last: Line) -> None:
        """A body that stops before its standards, knowledge or evidence requirements was cut off."""
        missing = [p for p in EXPECTED_PARTS if p not in self.parts_seen]
        if not missing:
            return
        names = ", ".join("Customer Service standards" if p == STANDARDS else p for p in missing)
        if list(EXPECTED_PARTS[-len(missing):]) == missing:
            after = self.parts_seen[-1] if self.parts_seen else "its heading"
            self.ctx.issue("unit-body-truncated", f"unit {self.code} stops after {after!r}: no {names}",
                           at=last, severity="error", unit=self.code)
        else:
            self.ctx.issue("unit-part-missing", f"unit {self.code} has no {names}", at=last)


def parse_bodies(
    ctx: ParseContext, lines: Sequence[Line], sections: Sequence[Section], scheme: str,
    listed_titles: dict[str, list[str]],
) -> list[Body]:
    """One Body per unit section, in document order."""
    return [
        _BodyReader(ctx, scheme, s.key, listed_titles.get(s.key, [])).read(s.lines(lines))
        for s in sections if s.kind == "unit"
    ]
