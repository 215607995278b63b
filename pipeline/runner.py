"""Orders the stages, skips unchanged documents, and reports what each run did.

extract: raw/ -> extracted/<doc_id>/ (cached by SHA-256)
parse:   cached lines -> extracted/.staged/*.parquet
match:   staged or published units -> mappings/.staged/*
publish: validate what is staged, then swap it all into place
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline import __version__
from pipeline.errors import DocumentError, Location, PipelineError
from pipeline.extract import Extraction, extract_file
from pipeline.extract.cache import cached, sha256_of, store
from pipeline.manifest import Entry, load_manifest
from pipeline.parallel import Engine
from pipeline.parse import PARSER_VERSION, ParseContext, ParseResult
from pipeline.parse.corpus import Corpus, build_corpus
from pipeline.parse.profiles import PROFILES, detect_profile, parse_lines
from pipeline.publish import staging
from pipeline.publish.validate import validate_staged
from pipeline.records import Document, Unit, UnitMatch
from pipeline.schemas import DATASETS

log = logging.getLogger(__name__)

# progress(stage, done, total, item): called as work advances; the CLI draws it.
Progress = Callable[[str, int, int, str], None]


def _quiet(stage: str, done: int, total: int, item: str) -> None:
    pass


@dataclass(frozen=True)
class Paths:
    """Where the pipeline reads and writes, under one project root."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def extracted(self) -> Path:
        return self.root / "extracted"

    @property
    def mappings(self) -> Path:
        return self.root / "mappings"

    def shown(self, entry: Entry) -> str:
        """How a raw file is named in messages: relative to the project root."""
        return f"raw/{entry.path}"


@dataclass
class DocumentOutcome:
    """What happened to one document in this run."""

    entry: Entry
    sha256: str = ""
    extraction: Extraction | None = None
    extracted_now: bool = False
    profile: str = ""
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    issues: Counter = field(default_factory=Counter)


@dataclass
class RunReport:
    """The summary a command prints: per document, and per stage."""

    documents: list[DocumentOutcome] = field(default_factory=list)
    match_summary: dict[str, int] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)

    @property
    def extracted_count(self) -> int:
        return sum(d.extracted_now for d in self.documents)

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.error]


def manifest_entries(paths: Paths) -> list[Entry]:
    """The validated manifest (raises ManifestError listing every bad line)."""
    return load_manifest(paths.raw, frozenset(PROFILES))


def extract(
    paths: Paths, entries: list[Entry], progress: Progress = _quiet, force: bool = False, engine: Engine = Engine()
) -> list[DocumentOutcome]:
    """Extract every document whose SHA-256 has no cached extraction yet, spread over ``engine``."""
    outcomes: dict[str, DocumentOutcome] = {}
    todo: list[Entry] = []
    for entry in entries:
        outcome = _cached_one(paths, force, entry)
        if outcome.extraction is None and outcome.error is None:
            todo.append(entry)
        outcomes[entry.doc_id] = outcome
    progress("extract", len(entries) - len(todo), len(entries), "")
    sizes = [_extraction_work(paths, e) for e in todo]
    extracted = engine.map(partial(_extract_one, paths), todo, sizes)
    for done, outcome in enumerate(extracted, start=len(entries) - len(todo) + 1):
        outcomes[outcome.entry.doc_id] = outcome
        progress("extract", done, len(entries), outcome.entry.doc_id if done < len(entries) else "")
    return [outcomes[e.doc_id] for e in entries]


# A PDF byte costs pdfplumber about fifty times what a text byte costs the text reader
# (the 178 kB render of the 4430-03 handbook takes 17 s, its 130 kB text 0.3 s).
PDF_BYTE_COST = 50


def _extraction_work(paths: Paths, entry: Entry) -> int:
    """How much work extracting a document is, in text bytes read."""
    path = paths.raw / entry.path
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size * PDF_BYTE_COST if path.suffix.lower() == ".pdf" else size


def _parse_work(outcome: DocumentOutcome) -> int:
    """How much work parsing a document is, in bytes of its lines' text."""
    return sum(len(line.text) for line in outcome.extraction.lines) if outcome.extraction else 0


def _cached_one(paths: Paths, force: bool, entry: Entry) -> DocumentOutcome:
    """A document with its cached extraction when its SHA-256 is unchanged (else no extraction yet)."""
    outcome = DocumentOutcome(entry)
    try:
        outcome.sha256 = sha256_of(paths.raw / entry.path)
        outcome.extraction = None if force else cached(paths.extracted / entry.doc_id, outcome.sha256)
    except OSError as exc:
        outcome.error = str(DocumentError(f"cannot read: {exc.strerror}", Location(paths.shown(entry))))
    return outcome


def _extract_one(paths: Paths, entry: Entry) -> DocumentOutcome:
    """Read one document and cache its extraction (runs in a worker)."""
    outcome = DocumentOutcome(entry)
    path = paths.raw / entry.path
    try:
        outcome.sha256 = sha256_of(path)
        log.info("extracting %s", paths.shown(entry))
        outcome.extraction = extract_file(path, entry.doc_id, paths.shown(entry))
        store(paths.extracted / entry.doc_id, outcome.sha256, outcome.extraction)
        outcome.extracted_now = True
    except DocumentError as exc:
        outcome.error = str(exc)
    except OSError as exc:
        outcome.error = str(DocumentError(f"cannot read: {exc.strerror}", Location(paths.shown(entry))))
    return outcome


@dataclass(frozen=True)
class Parsed:
    """One document's parse, as a worker hands it back: the family, and the records or the error."""

    profile: str
    result: ParseResult | None
    error: str | None


def _parse_one(paths: Paths, outcome: DocumentOutcome) -> Parsed:
    entry, extraction = outcome.entry, outcome.extraction
    if outcome.error or extraction is None:
        return Parsed("", None, None)
    shown = paths.shown(entry)
    try:
        profile = PROFILES[entry.format] if entry.format else detect_profile(extraction.lines, shown)
        result = parse_lines(ParseContext(entry, extraction.lines), profile)
    except DocumentError as exc:
        return Parsed("", None, str(exc))
    result.issues = list(extraction.issues) + result.issues
    return Parsed(profile.name, result, None)


def _document_row(outcome: DocumentOutcome, result: ParseResult | None) -> Document:
    entry, extraction = outcome.entry, outcome.extraction
    if outcome.error:
        status = "failed"
    elif result and any(i.severity == "error" for i in result.issues):
        status = "partial"
    else:
        status = "ok"
    return Document(
        doc_id=entry.doc_id, path=entry.path, sha256=outcome.sha256, publisher=entry.publisher or "",
        scheme=entry.scheme or "", qualification=entry.qualification, title=entry.title or "",
        published=entry.published, supersedes=entry.supersedes, replaces=entry.replaces, format=outcome.profile, media_type=extraction.media_type if extraction else "",
        pages=extraction.pages if extraction else 0, status=status, error=outcome.error,
        parser_version=f"{__version__}+parser.{PARSER_VERSION}",
    )


def nos_scheme(entries: list[Entry], outcomes: list[DocumentOutcome]) -> str | None:
    """The NOS scheme id: the manifest scheme of the document parsed as the NOS family."""
    return next((o.entry.scheme for o in outcomes if o.profile == "ics-nos" and o.entry.scheme), None)


def parse(
    paths: Paths, entries: list[Entry], progress: Progress = _quiet, force: bool = False, engine: Engine = Engine()
) -> RunReport:
    """Extract what changed, parse every document (spread over ``engine``), merge, and stage the datasets."""
    report = RunReport(documents=extract(paths, entries, progress, force, engine))
    results: dict[str, ParseResult] = {}
    rows: list[Document] = []
    total = len(report.documents)
    progress("parse", 0, total, "")
    sizes = [_parse_work(o) for o in report.documents]
    parsed = engine.map(partial(_parse_one, paths), report.documents, sizes)
    for done, (outcome, one) in enumerate(zip(report.documents, parsed), start=1):
        outcome.profile = one.profile
        outcome.error = outcome.error or one.error
        if one.result is not None:
            results[outcome.entry.doc_id] = one.result
            outcome.issues = Counter(i.severity for i in one.result.issues)
        rows.append(_document_row(outcome, one.result))
        progress("parse", done, total, outcome.entry.doc_id if done < total else "")
    nos = nos_scheme(entries, report.documents)
    corpus = build_corpus(results, entries, nos)
    for outcome in report.documents:
        outcome.counts = _counts(corpus, outcome.entry.doc_id, nos)
    staging.stage(paths.extracted, {"documents": rows, **_datasets(corpus)})
    return report


def _datasets(corpus: Corpus) -> dict[str, list]:
    return {
        "qualifications": corpus.qualifications,
        "qualification_facts": corpus.facts,
        "rules": corpus.rules,
        "units": corpus.units,
        "unit_memberships": corpus.memberships,
        "outcomes": corpus.outcomes,
        "criteria": corpus.criteria,
        "evidence_requirements": corpus.evidence,
        "key_words": corpus.key_words,
        "issues": corpus.issues,
    }


def _counts(corpus: Corpus, doc_id: str, nos: str | None) -> dict[str, int]:
    """How many published rows each dataset holds from one document (its own units apart from NOS units)."""
    return {
        "units": sum(u.doc_id == doc_id and u.scheme != nos for u in corpus.units),
        "NOS units": sum(u.doc_id == doc_id and u.scheme == nos for u in corpus.units),
        "outcomes": sum(o.doc_id == doc_id for o in corpus.outcomes),
        "criteria": sum(c.doc_id == doc_id for c in corpus.criteria),
        "facts": sum(f.doc_id == doc_id for f in corpus.facts),
        "issues": sum(i.doc_id == doc_id for i in corpus.issues),
    }


def match(paths: Paths, entries: list[Entry], progress: Progress = _quiet, engine: Engine = Engine()) -> dict[str, int]:
    """Match the units of the staged (or published) datasets (pairs scored over ``engine``) and stage the mappings."""
    from pipeline.match import match_corpus

    units = staging.read_dataset(paths.extracted, DATASETS["units"])
    criteria = staging.read_dataset(paths.extracted, DATASETS["criteria"])
    progress("match", 0, 1, f"{len(units)} units")
    result = match_corpus(units, criteria, entries, paths.mappings / "overrides.csv", progress=lambda m: log.info(m),
                          engine=engine)
    staging.stage(
        paths.mappings,
        {
            "unit_matches": result.unit_matches,
            "families": result.families,
            "unit_map": result.unit_map,
            "criterion_map": result.criterion_map,
        },
    )
    staging.stage_file(paths.mappings, "review.csv", review_csv(result.review, units))
    if result.issues:
        existing = staging.read_dataset(paths.extracted, DATASETS["issues"])
        staging.stage(paths.extracted, {"issues": existing + result.issues})
    progress("match", 1, 1, "")
    return result.summary


def review_csv(pairs: list[UnitMatch], units: list[Unit]) -> bytes:
    """The possible pairs for a person to decide, most uncertain first.

    The first four columns are those of ``overrides.csv``: fill in ``decision``
    (confirm/reject) and copy the row there.
    """
    titles = {u.unit_key: u.title for u in units}
    frame = pd.DataFrame(
        {
            "from_key": [p.left_key for p in pairs],
            "to_key": [p.right_key for p in pairs],
            "decision": "",
            "note": "",
            "from_title": [titles.get(p.left_key) for p in pairs],
            "to_title": [titles.get(p.right_key) for p in pairs],
            "score": [p.score for p in pairs],
            "explanation": [p.explanation for p in pairs],
        }
    )
    return frame.to_csv(index=False).encode("utf-8")


def publish(paths: Paths) -> list[str]:
    """Validate everything staged and swap it into place; on failure nothing changes."""
    folders = [paths.extracted, paths.mappings]
    try:
        validate_staged(paths.extracted, paths.mappings)
    except PipelineError:
        staging.discard(folders)
        raise
    return staging.swap_in(folders)


def run(paths: Paths, progress: Progress = _quiet, force: bool = False, engine: Engine = Engine()) -> RunReport:
    """All stages, in order; a stage that raises leaves the published outputs as they were."""
    entries = manifest_entries(paths)
    try:
        report = parse(paths, entries, progress, force, engine)
        report.match_summary = match(paths, entries, progress, engine)
        report.published = publish(paths)
    except BaseException:
        staging.discard([paths.extracted, paths.mappings])
        raise
    return report
