"""Orders the stages, skips unchanged documents, and reports what each run did.

extract: raw/ -> extracted/<doc_id>/ (cached by SHA-256)
parse:   cached lines -> extracted/.staged/*.parquet
match:   staged or published units -> mappings/.staged/*
publish: validate what is staged, then swap it all into place
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import Any

from pipeline import __version__
from pipeline.answers.diff import compare_editions
from pipeline.core.errors import DocumentError, Location, PipelineError
from pipeline.core.manifest import Entry, Limits, Publishing, load_limits, load_manifest, load_publishing
from pipeline.core.nlp import warm
from pipeline.core.parallel import Engine
from pipeline.core.paths import Paths
from pipeline.core.records import Document, Issue, Unit, UnitMatch
from pipeline.core.schemas import DATASETS
from pipeline.extract import STAGE as EXTRACT_STAGE
from pipeline.extract import Extraction, extract_file
from pipeline.extract.cache import META as EXTRACTION_META
from pipeline.extract.cache import cached, store
from pipeline.extract.guard import TimeLimit, check_extraction, check_file, within
from pipeline.extract.pdf import join_parts, page_count, read_pdf_pages
from pipeline.parse import STAGE as PARSE_STAGE
from pipeline.parse import Conservation, ParseContext, ParseResult
from pipeline.parse import cache as parse_cache
from pipeline.parse.cache import Parsed
from pipeline.parse.corpus import Corpus, build_corpus
from pipeline.parse.profiles import PROFILES, Profile, detect_profile, parse_lines
from pipeline.publish.interfaces import stage_interfaces
from pipeline.publish.spreadsheet import csv_bytes, table_csv
from pipeline.publish.validate import validate_staged
from pipeline.store import staging
from pipeline.store.keys import cache_key, file_sha256, fingerprint

log = logging.getLogger(__name__)

OVERRIDES = "overrides.csv"  # a person's file in mappings/, kept in git: never published over
MODEL = "model.json"  # the fitted matching model, beside the mappings it scored

# progress(stage, done, total, item): called as work advances; the CLI draws it.
Progress = Callable[[str, int, int, str], None]


def _quiet(stage: str, done: int, total: int, item: str) -> None:
    pass


@dataclass
class DocumentOutcome:
    """What happened to one document in this run."""

    entry: Entry
    sha256: str = ""
    extraction: Extraction | None = None
    extracted_now: bool = False
    profile: str = ""
    error: str | None = None
    error_code: str = "document-failed"  # the issue code of ``error``: internal-error for an unexpected exception
    counts: dict[str, int] = field(default_factory=dict)
    issues: Counter[str] = field(default_factory=Counter)
    edition_changes: str | None = None  # for a new edition: how it differs from the one it replaces
    conservation: Conservation | None = None
    errors: list[Issue] = field(default_factory=list)  # error-level issues the manifest does not accept
    stale: bool = False  # published from the last good records, not from this run's file
    seconds: float = 0.0  # how long its reading took (one page range's, for a range)


@dataclass
class RunReport:
    """The summary a command prints: per document, and per stage."""

    documents: list[DocumentOutcome] = field(default_factory=list)
    match_summary: dict[str, int] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # doc_ids gone from the manifest: cache and records dropped
    ignored_overrides: list[Issue] = field(default_factory=list)

    @property
    def extracted_count(self) -> int:
        return sum(d.extracted_now for d in self.documents)

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.error]

    @property
    def unaccepted(self) -> list[DocumentOutcome]:
        """Documents published with error-level issues their manifest entry does not accept."""
        return [d for d in self.documents if d.errors and not d.error]


def manifest_entries(paths: Paths) -> list[Entry]:
    """The validated manifest (raises ManifestError listing every bad line)."""
    return load_manifest(paths.raw, frozenset(PROFILES))


def manifest_limits(paths: Paths) -> Limits:
    """The manifest's ``[limits]`` over their defaults."""
    return load_limits(paths.raw)


def manifest_publishing(paths: Paths) -> Publishing:
    """The manifest's ``[publish]`` settings over their defaults."""
    return load_publishing(paths.raw)


def extract(
    paths: Paths, entries: list[Entry], progress: Progress = _quiet, force: bool = False, engine: Engine | None = None
) -> list[DocumentOutcome]:
    """Extract every document whose SHA-256 has no cached extraction yet, spread over ``engine``.

    A long PDF is read in page ranges side by side when the engine has more than one
    worker, and its parts joined here. A document past a limit fails alone.
    """
    engine = engine or Engine()
    limits = manifest_limits(paths)
    outcomes: dict[str, DocumentOutcome] = {}
    tasks: list[ExtractTask] = []
    for entry in entries:
        outcome = _cached_one(paths, force, limits, entry)
        if outcome.extraction is None and outcome.error is None:
            tasks += _extract_tasks(paths, outcome, engine.parallel)
        outcomes[entry.doc_id] = outcome
    done = len(entries) - len({t.entry.doc_id for t in tasks})
    progress("extract", done, len(entries), "")
    parts: dict[str, dict[int, DocumentOutcome]] = defaultdict(dict)  # doc_id -> first page -> its reading
    with engine:
        for index, part in engine.as_completed(partial(_extract_one, paths, limits), tasks, [t.work for t in tasks]):
            task = tasks[index]
            parts[task.entry.doc_id][task.first] = part
            if len(parts[task.entry.doc_id]) < task.ranges:
                continue  # more of this document to come
            outcomes[task.entry.doc_id] = _joined(paths, limits, task, parts.pop(task.entry.doc_id))
            done += 1
            progress("extract", done, len(entries), task.entry.doc_id if done < len(entries) else "")
    return [outcomes[e.doc_id] for e in entries]


# A PDF byte costs the PDF reader about thirteen times what a text byte costs the text reader (the
# bench's handbooks, read as PDF and as text).
PDF_BYTE_COST = 13
# A PDF of twice this many pages or more is read in ranges of about this many pages when workers can share it.
PAGES_PER_TASK = 100


@dataclass(frozen=True)
class ExtractTask:
    """One worker's reading: a whole document, or pages ``first`` to ``stop`` of a PDF of ``pages`` pages."""

    entry: Entry
    sha256: str
    work: int  # in text bytes read, as the engine weighs tasks
    first: int = 0
    stop: int | None = None
    ranges: int = 1  # how many tasks read the document


def _extract_tasks(paths: Paths, outcome: DocumentOutcome, parallel: bool) -> list[ExtractTask]:
    """A document's reading as one task, or a long PDF's as page ranges of about ``PAGES_PER_TASK`` pages."""
    entry, path = outcome.entry, paths.raw / outcome.entry.path
    work = path.stat().st_size
    if path.suffix.lower() != ".pdf":
        return [ExtractTask(entry, outcome.sha256, work)]
    work *= PDF_BYTE_COST
    pages = page_count(path) if parallel else None
    if not pages or pages < 2 * PAGES_PER_TASK:
        return [ExtractTask(entry, outcome.sha256, work)]
    ranges = -(-pages // PAGES_PER_TASK)
    bounds = [pages * n // ranges for n in range(ranges + 1)]
    return [ExtractTask(entry, outcome.sha256, work * (stop - first) // pages, first, stop, ranges)
            for first, stop in pairwise(bounds)]


def _parse_work(outcome: DocumentOutcome) -> int:
    """How much work parsing a document is, in bytes of its lines' text."""
    return sum(len(line.text) for line in outcome.extraction.lines) if outcome.extraction else 0


def _cached_one(paths: Paths, force: bool, limits: Limits, entry: Entry) -> DocumentOutcome:
    """A document checked against the limits, with its cached extraction when its SHA-256 is unchanged."""
    outcome = DocumentOutcome(entry)
    shown = paths.shown(entry)
    with _fails_alone(outcome, shown):
        check_file(paths.raw / entry.path, shown, limits)
        outcome.sha256 = file_sha256(paths.raw / entry.path)
        outcome.extraction = None if force else cached(paths.extracted / entry.doc_id, outcome.sha256)
        if outcome.extraction is not None:
            check_extraction(outcome.extraction, shown, limits)
    return outcome


def internal_error(exc: Exception, shown: str, stage: str) -> str:
    """The readable reason a document failed on an exception nobody raised on purpose (a reader's fault)."""
    detail = str(exc) or "no message"
    return str(DocumentError(f"internal error while {stage}: {type(exc).__name__}: {detail[:200]}", Location(shown)))


@contextmanager
def _fails_alone(outcome: DocumentOutcome, shown: str) -> Iterator[None]:
    """A document that cannot be read keeps why in ``outcome.error``, and the run goes on."""
    try:
        yield
    except DocumentError as exc:
        outcome.error, outcome.extraction = str(exc), None
    except OSError as exc:
        outcome.error = str(DocumentError(f"cannot read: {exc.strerror}", Location(shown)))
        outcome.extraction = None
    except Exception as exc:  # any fault of a reader fails this document alone
        log.debug("reading %s failed", shown, exc_info=True)
        outcome.error, outcome.error_code, outcome.extraction = internal_error(exc, shown, "reading"), "internal-error", None


def _extract_one(paths: Paths, limits: Limits, task: ExtractTask) -> DocumentOutcome:
    """Read one document, or one page range of it, within the time limit (runs in a worker)."""
    outcome = DocumentOutcome(task.entry, task.sha256)
    path, shown = paths.raw / task.entry.path, paths.shown(task.entry)
    with _fails_alone(outcome, shown):
        log.info("extracting %s%s", shown, f" pages {task.first + 1}-{task.stop}" if task.stop else "")
        start = time.monotonic()
        if task.stop is None:
            outcome.extraction = within(limits.max_seconds, shown, "read", extract_file, path, task.entry.doc_id, shown)
        else:
            outcome.extraction = within(limits.max_seconds, shown, "read", read_pdf_pages, path, task.entry.doc_id,
                                        shown, task.first, task.stop)
        outcome.seconds = time.monotonic() - start
    return outcome


def _joined(paths: Paths, limits: Limits, task: ExtractTask, parts: dict[int, DocumentOutcome]) -> DocumentOutcome:
    """A document from the readings of its page ranges by first page (one for a whole document), checked and
    cached."""
    outcome = DocumentOutcome(task.entry, task.sha256)
    ordered = [parts[first] for first in sorted(parts)]
    failed = next((p for p in ordered if p.error), None)
    if failed is not None:
        outcome.error = failed.error
        return outcome
    shown = paths.shown(task.entry)
    with _fails_alone(outcome, shown):
        # The limit is the document's: its page ranges' readings together, wherever they ran.
        seconds = sum(p.seconds for p in ordered)
        if seconds > limits.max_seconds:
            raise TimeLimit(f"took longer than {limits.max_seconds:g} s to read ({seconds:.1f} s over its "
                            f"{len(ordered)} page ranges; limits.max_seconds in the manifest)", Location(shown))
        read: list[Extraction] = []
        for part in ordered:
            assert part.extraction is not None, "a page range read without an error has its lines"
            read.append(part.extraction)
        outcome.extraction = read[0] if len(read) == 1 else join_parts(read, task.entry.doc_id, shown)
        store(paths.extracted / task.entry.doc_id, outcome.sha256, outcome.extraction)
        outcome.extracted_now = True
        check_extraction(outcome.extraction, shown, limits)
    return outcome


@dataclass(frozen=True)
class Failure:
    """Why a document failed to parse: the issue code and the readable reason."""

    code: str
    message: str


def _parse_one(paths: Paths, seconds: float, outcome: DocumentOutcome) -> Parsed | Failure:
    """Parse one extracted document within its time limit (runs in a worker): its records, or why it failed."""
    entry, extraction = outcome.entry, outcome.extraction
    assert extraction is not None
    shown = paths.shown(entry)
    try:
        ctx = ParseContext(entry, extraction.lines)
        profile = PROFILES[entry.format] if entry.format else detect_profile(extraction.lines, shown)
        warm()  # loaded here once, not again in each document's child
        result, conservation = within(seconds, shown, "parse", _parsed_with_conservation, ctx, profile, shown)
    except DocumentError as exc:
        return Failure("document-failed", str(exc))
    except Exception as exc:  # any fault of a parser fails this document alone
        log.debug("parsing %s failed", shown, exc_info=True)
        return Failure("internal-error", internal_error(exc, shown, "parsing"))
    result.issues = list(extraction.issues) + result.issues
    return Parsed(result, outcome.sha256, profile.name, extraction.media_type, extraction.pages, conservation,
                  extraction.pdf_producer, extraction.pdf_creator)


def _parsed_with_conservation(ctx: ParseContext, profile: Profile, shown: str) -> tuple[ParseResult, Conservation]:
    """A parse and its conservation account, which the parse's context keeps (run in a child by ``within``)."""
    result = parse_lines(ctx, profile, shown)
    return result, ctx.conservation()


def is_accepted(entry: Entry, issue: Issue) -> bool:
    """Whether the manifest accepts this error: by its code, or by ``code:unit_code``."""
    return issue.severity == "error" and (
        issue.code in entry.accept or (issue.unit_code is not None and f"{issue.code}:{issue.unit_code}" in entry.accept)
    )


def _mark_accepted(entry: Entry, result: ParseResult) -> list[Issue]:
    """Mark the errors the manifest accepts; return those it does not."""
    result.issues = [dataclasses.replace(i, accepted=True) if is_accepted(entry, i) else i for i in result.issues]
    return [i for i in result.issues if i.severity == "error" and not i.accepted]


def _parse_key(outcome: DocumentOutcome) -> str:
    """The parse cache key: the extraction's own key, what the manifest says of the document, and the parser.

    ``accept`` is left out: it is applied to a parse's issues afterwards, never changes the records.
    """
    described = {k: v for k, v in dataclasses.asdict(outcome.entry).items() if k != "accept"}
    return cache_key(PARSE_STAGE, cache_key(EXTRACT_STAGE, outcome.sha256), json.dumps(described, default=str))


def _parsed_all(
    paths: Paths, outcomes: list[DocumentOutcome], force: bool, limits: Limits, engine: Engine
) -> list[Parsed | None]:
    """This run's parse of each document: from the parse cache when its file is unchanged, the rest parsed over
    ``engine``; None where it failed. A parse without unaccepted errors becomes the document's last good one."""
    parsed: list[Parsed | None] = [
        None if o.error or force else parse_cache.cached(paths.extracted / o.entry.doc_id, _parse_key(o)) for o in outcomes
    ]
    todo = [i for i, o in enumerate(outcomes) if parsed[i] is None and not o.error]
    fresh = engine.map(partial(_parse_one, paths, limits.max_seconds), [outcomes[i] for i in todo],
                       [_parse_work(outcomes[i]) for i in todo])
    for i, one in zip(todo, fresh):
        if isinstance(one, Failure):
            outcomes[i].error, outcomes[i].error_code = one.message, one.code
        else:
            parsed[i] = one
            outcomes[i].errors = _mark_accepted(outcomes[i].entry, one.result)
            if not outcomes[i].errors:
                parse_cache.store(paths.extracted / outcomes[i].entry.doc_id, _parse_key(outcomes[i]), one)
    for i, kept in enumerate(parsed):
        if kept is not None and i not in todo:
            outcomes[i].errors = _mark_accepted(outcomes[i].entry, kept.result)
    return parsed


def _last_good(paths: Paths, outcome: DocumentOutcome, parsed: Parsed | None) -> Parsed | None:
    """A failing document's last good records, marking it stale with the reason; else what this run gave."""
    if not (outcome.error or outcome.errors):
        return parsed
    good = parse_cache.last_good(paths.extracted / outcome.entry.doc_id)
    if good is None:
        return parsed
    reason = outcome.error or (f"{len(outcome.errors)} error(s) not accepted, "
                               f"first {outcome.errors[0].code}: {outcome.errors[0].message}")
    outcome.error = f"{reason}; its last good records (file SHA-256 {good.sha256[:12]}) are kept"
    outcome.stale = True
    good.result.issues = [dataclasses.replace(i, accepted=is_accepted(outcome.entry, i)) for i in good.result.issues]
    return good


def _failure_issue(outcome: DocumentOutcome) -> Issue | None:
    """A failed document's reason as an error in ``issues.parquet`` (its code says whether a reader faulted)."""
    if outcome.error is None:
        return None
    return Issue(outcome.entry.doc_id, None, None, "error", outcome.error_code, outcome.error)


def _document_row(outcome: DocumentOutcome, parsed: Parsed | None) -> Document:
    entry = outcome.entry
    result = parsed.result if parsed else None
    # The file as read this run (even if its parse failed); for a stale document, the file its records came from.
    read = parsed if outcome.stale else outcome.extraction or parsed
    if outcome.stale:
        status = "stale"
    elif outcome.error:
        status = "failed"
    elif result and any(i.severity == "error" for i in result.issues):
        status = "partial"
    else:
        status = "ok"
    return Document(
        doc_id=entry.doc_id, path=entry.path, sha256=parsed.sha256 if parsed else outcome.sha256, publisher=entry.publisher or "",
        scheme=entry.scheme or "", qualification=entry.qualification, title=entry.title or "",
        published=entry.published, supersedes=entry.supersedes, replaces=entry.replaces, format=outcome.profile,
        media_type=parsed.media_type if parsed else "", pages=parsed.pages if parsed else 0, status=status, error=outcome.error,
        parser_version=f"{__version__}+{fingerprint(PARSE_STAGE)[:12]}",
        **(parsed.conservation.shares() if parsed else {}),
        pdf_producer=read.pdf_producer if read else None, pdf_creator=read.pdf_creator if read else None,
    )


def nos_scheme(entries: list[Entry], outcomes: list[DocumentOutcome]) -> str | None:
    """The NOS scheme id: the manifest scheme of the document parsed as the NOS family."""
    return next((o.entry.scheme for o in outcomes if o.profile == "ics-nos" and o.entry.scheme), None)


def parse(
    paths: Paths, entries: list[Entry], progress: Progress = _quiet, force: bool = False, engine: Engine | None = None
) -> RunReport:
    """Extract what changed, parse what changed (spread over ``engine``), merge, and stage the datasets."""
    engine = engine or Engine()
    limits = manifest_limits(paths)
    with engine:  # one pool for both stages
        report = RunReport(documents=extract(paths, entries, progress, force, engine))
        progress("parse", 0, len(report.documents), "")
        parsed_all = _parsed_all(paths, report.documents, force, limits, engine)
    results: dict[str, ParseResult] = {}
    rows: list[Document] = []
    total = len(report.documents)
    for outcome, parsed in zip(report.documents, parsed_all):
        failure = _failure_issue(outcome)  # before _last_good adds its note to the reason
        parsed = _last_good(paths, outcome, parsed)
        if parsed is not None:
            outcome.profile, outcome.conservation = parsed.profile, parsed.conservation
            results[outcome.entry.doc_id] = parsed.result
            outcome.issues = Counter("accepted error" if i.accepted else i.severity for i in parsed.result.issues)
        if failure is not None:
            results.setdefault(outcome.entry.doc_id, ParseResult()).issues.append(failure)
        rows.append(_document_row(outcome, parsed))
    progress("parse", total, total, "")
    report.removed = _remove_unlisted(paths, entries)
    nos = nos_scheme(entries, report.documents)
    corpus = build_corpus(results, entries, nos)
    for outcome in report.documents:
        doc_id, earlier = outcome.entry.doc_id, outcome.entry.replaces
        if doc_id in results:
            outcome.counts = _counts(results[doc_id], corpus, doc_id)
        if doc_id in results and earlier in results:
            outcome.edition_changes = compare_editions(earlier, doc_id, corpus.versions).summary()
    staging.stage(paths.extracted, {"documents": rows, **_datasets(corpus)})
    return report


def _remove_unlisted(paths: Paths, entries: list[Entry]) -> list[str]:
    """Drop the caches of documents no longer in raw/ or the manifest (their records go with them)."""
    listed = {e.doc_id for e in entries}
    removed = []
    for folder in sorted(paths.extracted.iterdir()) if paths.extracted.is_dir() else ():
        cache = (folder / EXTRACTION_META).exists() or (folder / parse_cache.FOLDER).is_dir()
        if folder.is_dir() and not folder.is_symlink() and folder.name not in listed and cache:
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed


def _datasets(corpus: Corpus) -> dict[str, list[Any]]:
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
        "unit_versions": corpus.versions.units,
        "outcome_versions": corpus.versions.outcomes,
        "criterion_versions": corpus.versions.criteria,
        "notes": corpus.notes,
        "issues": corpus.issues,
    }


def _counts(result: ParseResult, corpus: Corpus, doc_id: str) -> dict[str, int]:
    """What one document itself states: its units, the NOS codes they name, outcomes, criteria and facts."""
    return {
        "units": len({u.unit_key for u in result.units}),
        "NOS units": len({u.nos_code for u in result.units if u.nos_code}),
        "outcomes": len(result.outcomes),
        "criteria": len(result.criteria),
        "facts": sum(f.doc_id == doc_id for f in corpus.facts),
        "issues": len(result.issues),
    }


def match(
    paths: Paths, entries: list[Entry], progress: Progress = _quiet, engine: Engine | None = None
) -> tuple[dict[str, int], list[Issue]]:
    """Match the units of the staged (or published) datasets (pairs scored over ``engine``) and stage the mappings.

    Returns the summary counts and the issues of the override rows that were ignored.
    """
    engine = engine or Engine()
    from pipeline.match import cache as match_cache
    from pipeline.match.overrides import DOC_ID as OVERRIDES_DOC

    files = [staging.dataset_file(paths.extracted, DATASETS[name]) for name in ("units", "criteria", "outcomes")]
    key = match_cache.match_key([*files, paths.mappings / OVERRIDES], entries)
    units = staging.read_dataset(paths.extracted, DATASETS["units"])
    progress("match", 0, 1, f"{len(units)} units")
    result = match_cache.cached(paths.extracted, key)
    if result is None:
        from pipeline.match import match_corpus  # spaCy and the matcher load only when there is matching to do

        criteria = staging.read_dataset(paths.extracted, DATASETS["criteria"])
        outcomes = staging.read_dataset(paths.extracted, DATASETS["outcomes"])
        result = match_corpus(units, criteria, entries, paths.mappings / OVERRIDES, progress=lambda m: log.info(m),
                              engine=engine, outcomes=outcomes, kept=match_cache.kept_folder(paths.extracted))
        match_cache.store(paths.extracted, key, result)
    staging.stage(
        paths.mappings,
        {
            "unit_matches": result.unit_matches,
            "families": result.families,
            "unit_map": result.unit_map,
            "criterion_map": result.criterion_map,
        },
        csv=table_csv,
    )
    staging.stage_file(paths.mappings, "review.csv", review_csv(result.review, units))
    staging.stage_file(paths.mappings, MODEL, (json.dumps(result.model, indent=2) + "\n").encode())
    stage_interfaces(paths.extracted, paths.mappings, manifest_publishing(paths))
    # The match stage's own issues replace those of an earlier match, never add to them.
    existing = [i for i in staging.read_dataset(paths.extracted, DATASETS["issues"]) if i.doc_id != OVERRIDES_DOC]
    staging.stage(paths.extracted, {"issues": existing + result.issues})
    progress("match", 1, 1, "")
    return result.summary, result.issues


def review_csv(pairs: list[UnitMatch], units: list[Unit]) -> bytes:
    """The possible pairs for a person to decide, most uncertain first.

    The first four columns are those of ``overrides.csv``: fill in ``decision``
    (confirm/reject) and copy the row there.
    """
    import pandas as pd  # here: extracting and parsing never need pandas

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
    return csv_bytes(frame)


def publish(paths: Paths) -> list[str]:
    """Validate everything staged and swap it into place; on failure nothing changes."""
    folders = [paths.extracted, paths.mappings]
    try:
        validate_staged(paths.extracted, paths.mappings)
    except PipelineError:
        staging.discard(folders)
        raise
    return staging.swap_in(folders, keep=frozenset({OVERRIDES}))


def run(paths: Paths, progress: Progress = _quiet, force: bool = False, engine: Engine | None = None) -> RunReport:
    """All stages, in order; a stage that raises leaves the published outputs as they were."""
    engine = engine or Engine()
    entries = manifest_entries(paths)
    staging.discard([paths.extracted, paths.mappings])  # what a killed run staged is not this run's
    try:
        with engine:  # one pool for every stage: workers start once
            report = parse(paths, entries, progress, force, engine)
            report.match_summary, report.ignored_overrides = match(paths, entries, progress, engine)
        report.published = publish(paths)
    except BaseException:
        staging.discard([paths.extracted, paths.mappings])
        raise
    return report
