"""City & Guilds catalogue pages: one qualification per "Title (NNNN-NN)" block, rules from the level prose.

A block reads: the heading with the qualification number, "Last Registration Date:",
an optional "Replacement qualification (5530-02 (September 2014))", the title again
(the heading's copy may differ: "Customer Services" against "Customer Service"), then
bulleted "Label: value gloss" facts. Before each block, a "Level N" section says in
prose which core units and optional groups the qualification of that level asks for.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from pipeline.core.records import Line, Qualification, Rule
from pipeline.core.text import clean, strip_bullet
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.fields import Field, find_field
from pipeline.parse.toolkit.prose import Sentence, body_prefix, sentences, title_variant
from pipeline.parse.toolkit.rules import EACH, rule_of, statements
from pipeline.parse.toolkit.values import read_accreditation, read_date, read_fee, read_int, read_range

_HEADING = re.compile(r"^(?P<title>\S.*?)\s*\((?P<number>\d{3,5}-\d{2,3})\)$")
_LEVEL_HEADING = re.compile(r"^Level (\d+)$")
_LEVEL = re.compile(r"\bLevel (\d+)\b")
_REPLACEMENT = re.compile(r"^Replacement qualification\s*\((\d{3,5}-\d{2,3})\b", re.I)
_LABEL = re.compile(r"^[A-Z][A-Za-z ]{1,40}:")
# The heading's title and the block's own copy are the same title, give or take a letter.
MIN_TITLE_SIMILARITY = 85

_FIELDS = (
    Field(re.compile(r"^Accreditation No\.?:\s*", re.I), ("accreditation_number",), read_accreditation),
    Field(re.compile(r"^Credits:\s*", re.I), ("credits_min",), read_int),
    Field(re.compile(r"^Guided Learning Hours:\s*", re.I), ("glh_min", "glh_max"), read_range),
    Field(re.compile(r"^Total Qualification Time:\s*", re.I), ("tqt",), read_int),
    Field(re.compile(r"^Last Registration Date:\s*", re.I), ("last_registration",), read_date),
    Field(re.compile(r"^Last Certification(?: Date)?:\s*", re.I), ("last_certification",), read_date),
    Field(re.compile(r"^Qualification fees[^:]*:\s*", re.I), ("fee_gbp",), read_fee),
)


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is a catalogue page (0..1): its fact labels and numbered headings."""
    texts = [strip_bullet(clean(line.text))[1] for line in lines]
    labels = sum(1 for f in _FIELDS if any(f.label.match(t) for t in texts))
    headed = any(_HEADING.match(t) for t in texts)
    return 0.85 * labels / len(_FIELDS) + (0.15 if headed else 0.0)


@dataclass
class _Fact:
    """A "Label: value gloss" line and the lines its gloss wraps onto."""

    lines: list[Line]
    field: Field | None  # None: a label no column holds ("Type:", "Key Stage:")
    value: str

    def closed(self) -> bool:
        return clean(self.lines[-1].text).endswith(".")


@dataclass
class _Block:
    heading: Line
    number: str  # the heading's qualification number
    heading_title: str
    title_line: Line | None = None
    replacement: tuple[Line, str] | None = None
    facts: list[_Fact] = field(default_factory=list)


def parse(ctx: ParseContext) -> ParseResult:
    """The qualifications of one catalogue page, with the rules its level prose states."""
    result = ParseResult()
    if not ctx.entry.publisher:
        ctx.issue("publisher-unknown", "the manifest names no publisher: qualification ids need one", severity="error")
        return result
    lines = [line for line in ctx.lines if clean(line.text)]
    pending: dict[int | None, list[Rule]] = {}  # rules by the level whose section states them
    headings: dict[int | None, Line] = {}
    level: tuple[int, Line] | None = None
    i = 0
    while i < len(lines):
        text = clean(lines[i].text)
        if heading := _HEADING.match(text):
            block, i = _read_block(lines, i, heading)
            qualification = _qualification(ctx, block, ctx.entry.publisher)
            result.qualifications.append(qualification)
            found = pending.pop(qualification.level, [])
            result.rules.extend(dataclasses.replace(r, qualification_id=qualification.qualification_id) for r in found)
            level = None
        elif match := _LEVEL_HEADING.match(text):
            level = (int(match.group(1)), lines[i])
            i += 1
        elif strip_bullet(text)[0]:
            i += 1  # a list no structure sentence introduces ("Examples of units include:")
        else:
            end = next((j for j in range(i + 1, len(lines)) if _stops_prose(lines[j])), len(lines))
            after = next((j for j in range(end, len(lines)) if not strip_bullet(clean(lines[j].text))[0]), len(lines))
            rules = _level_rules(ctx, lines[i:end], lines[end:after])
            if rules and level is not None:
                number, headings[number] = level
                ctx.use(headings[number])
                pending.setdefault(number, []).extend(rules)
            elif rules:
                ctx.issue("rule-without-level", "structure prose outside a 'Level N' section", at=lines[i])
            i = end
    for stated_level in pending:
        ctx.issue("rule-without-qualification",
                  f"the Level {stated_level} rules precede no Level {stated_level} qualification", at=headings[stated_level])
    return result


def _stops_prose(line: Line) -> bool:
    """Whether a line ends a run of prose: a bullet, or a block or level heading."""
    text = clean(line.text)
    return strip_bullet(text)[0] or bool(_HEADING.match(text) or _LEVEL_HEADING.match(text))


def _read_block(lines: list[Line], start: int, heading: re.Match[str]) -> tuple[_Block, int]:
    """The lines of one qualification block, from its numbered heading (``heading`` its match) to its last fact."""
    block = _Block(lines[start], heading.group("number"), heading.group("title"))
    i = start + 1
    while i < len(lines):
        text = clean(lines[i].text)
        if _HEADING.match(text) or _LEVEL_HEADING.match(text):
            break
        bullet, body = strip_bullet(text)
        if known := find_field(body, _FIELDS):
            block.facts.append(_Fact([lines[i]], *known))
        elif bullet and _LABEL.match(body):
            block.facts.append(_Fact([lines[i]], None, body))
        elif match := _REPLACEMENT.match(text):
            block.replacement = (lines[i], match.group(1))
        elif block.title_line is None and fuzz.ratio(text.lower(), block.heading_title.lower()) >= MIN_TITLE_SIMILARITY:
            block.title_line = lines[i]
        elif block.facts and not bullet and not block.facts[-1].closed():
            # The gloss after a value wraps onto further lines when the page is printed.
            block.facts[-1].lines.append(lines[i])
            block.facts[-1].value += " " + text
        else:
            break
        i += 1
    return block, i


def _qualification(ctx: ParseContext, block: _Block, publisher: str) -> Qualification:
    """The qualification one block describes; facts it cannot read are issues."""
    prefix = body_prefix(publisher)
    qualification_id = f"{prefix}-{block.number}"
    title = clean(block.title_line.text) if block.title_line else block.heading_title
    title_variant(ctx, qualification_id, title, block.heading_title, block.heading)
    ctx.use(block.heading, *([block.title_line] if block.title_line else []))
    values: dict[str, Any] = {}
    for fact in block.facts:
        ctx.use(*fact.lines)
        if fact.field is None:
            ctx.issue("fact-not-modelled", f"{qualification_id}: no column holds {fact.value[:60]!r}", at=fact.lines[0])
            continue
        value = fact.field.values(fact.value)
        if value is None:
            ctx.issue("fact-unreadable", f"{qualification_id}: no value in {clean(fact.lines[0].text)[:80]!r}",
                      at=fact.lines[0])
        else:
            values.update(value)
    if block.replacement:
        ctx.use(block.replacement[0])
        values["replaced_by"] = f"{prefix}-{block.replacement[1]}"
    level = _LEVEL.search(title)
    scheme = ctx.entry.scheme or f"{prefix}-{block.number.split('-')[0]}"
    return Qualification(
        qualification_id, scheme, publisher, title, level=int(level.group(1)) if level else None,
        doc_id=ctx.doc_id, page=block.heading.page, **values,
    )


def _level_rules(ctx: ParseContext, prose: list[Line], bullets: list[Line]) -> list[Rule]:
    """Rules stated by a run of prose and the bullet list right after it."""
    items = [strip_bullet(clean(b.text))[1] for b in bullets]
    rules: list[Rule] = []
    said = sentences(prose)
    for index, sentence in enumerate(said):
        last = index == len(said) - 1  # only the last sentence introduces the list after it
        found: list[Rule] = []
        listed = False
        for rule in statements(sentence.text):
            if rule.listed and not last:
                continue
            listed = listed or rule.listed
            if rule.listed:
                _check_count(ctx, rule.stated_count if rule.group == EACH else rule.min_units, items, sentence)
            if rule.group == EACH:
                found.extend(rule_of("", rule, _group(item), f"{sentence.text} {item}") for item in items)
            elif rule.listed:
                units = dataclasses.replace(rule, min_units=rule.min_units or len(items))
                found.append(rule_of("", units, rule.group, f"{sentence.text} {'; '.join(items)}"))
            else:
                found.append(rule_of("", rule, rule.group, sentence.text))
        if found:
            ctx.use(*sentence.lines, *(bullets if listed else ()))
        rules.extend(found)
    return rules


def _group(item: str) -> str:
    """The group a bullet names: "Handling problems group." -> "Handling problems"."""
    return re.sub(r"\s+group$", "", item.rstrip(". "), flags=re.I)


def _check_count(ctx: ParseContext, stated: int | None, items: list[str], sentence: Sentence) -> None:
    """A list shorter or longer than its introduction says ("each of three groups:") is reported."""
    if stated is not None and stated != len(items):
        ctx.issue("rule-count-mismatch", f"{sentence.text!r} is followed by {len(items)} item(s)", at=sentence.lines[0])
