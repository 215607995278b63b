"""The raw manifest (``raw/manifest.toml``): one ``[[document]]`` table per handbook."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pipeline.core.errors import Location, ManifestError, PipelineError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.toml"
REQUIRED_KEYS = ("doc_id", "path", "publisher", "scheme", "title")
OPTIONAL_KEYS = ("qualification", "published", "supersedes", "replaces", "format", "accept")
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SCHEME = re.compile(r"^[a-z][a-z0-9-]*$")
T = TypeVar("T")
_NOT_IN_URI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f]')  # RFC 3986 excludes these; percent-encode them


@dataclass(frozen=True)
class Limits:
    """The manifest's ``[limits]``: past one, a document fails alone before the expensive work.

    The defaults are far above any real handbook (the largest we hold has 66 pages).
    """

    max_file_mb: float = 200.0
    max_pages: int = 5000
    max_page_chars: int = 100_000  # characters of text on one page
    max_seconds: float = 600.0  # to extract and parse one document


@dataclass(frozen=True)
class Publishing:
    """The manifest's ``[publish]``: where the published identifiers live and under what licence.

    The default base is a placeholder under example.org (reserved for examples): an operator who
    publishes the mappings sets a base they control. The default licence is SSSOM's own value for
    "all rights reserved": the handbooks are their publishers' copyright.
    """

    base_uri: str = "https://example.org/handbook-pipeline/"  # units, criteria and mapping set IRIs start with it
    license: str = "https://w3id.org/sssom/license/all-rights-reserved"


@dataclass(frozen=True)
class Entry:
    """One document of the manifest, or one found in raw/ and described from defaults."""

    doc_id: str
    path: str  # relative to raw/
    publisher: str | None
    scheme: str | None
    title: str | None
    qualification: str | None = None
    published: dt.date | None = None
    supersedes: tuple[str, ...] = ()
    replaces: str | None = None  # doc_id of the earlier edition of this document
    format: str | None = None
    accept: tuple[str, ...] = ()  # error codes, or "code:unit_code", an operator has checked
    listed: bool = True


def _published(value: object) -> dt.date:
    """A date from a TOML date, a year (2010) or a 'YYYY' / 'YYYY-MM' / 'YYYY-MM-DD' string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and 1900 <= value <= 2100:
        return dt.date(value, 1, 1)
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
        if match:
            year, month, day = match.groups()
            return dt.date(int(year), int(month or 1), int(day or 1))
    raise ValueError(f"published must be a date or a year, not {value!r}")


def _key_lines(text: str) -> list[dict[str, int]]:
    """For each [[document]] table, the line number of the table header and of each key."""
    tables: list[dict[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[[document]]"):
            tables.append({"[[document]]": number})
        elif tables and (m := re.match(r"([A-Za-z0-9_-]+)\s*=", stripped)):
            tables[-1].setdefault(m.group(1), number)
    return tables


def load_manifest(raw_dir: Path, formats: frozenset[str]) -> list[Entry]:
    """Read and validate the manifest, reporting every bad line at once; add unlisted files."""
    manifest_path = raw_dir / MANIFEST_NAME
    shown = str(manifest_path)
    if not manifest_path.exists():
        raise ManifestError([PipelineError(f"no manifest: {MANIFEST_NAME} is missing", Location(shown))])
    text = manifest_path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ManifestError(
            [PipelineError(f"not valid TOML: {exc}", Location(shown, line=int(line.group(1)) if line else None))]
        ) from exc

    problems: list[PipelineError] = []

    def problem(message: str, line: int | None) -> None:
        problems.append(PipelineError(message, Location(shown, line=line)))

    for key in data:
        if key not in ("document", "limits", "publish"):
            problem(f"unknown top-level key {key!r}: documents are [[document]] tables, settings the [limits] "
                    "and [publish] tables", None)
    tables = data.get("document", [])
    lines = _key_lines(text)
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    replaces_at: dict[str, int | None] = {}
    for index, table in enumerate(tables):
        where = lines[index] if index < len(lines) else {}
        header = where.get("[[document]]")
        for key in table:
            if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
                problem(f"unknown key {key!r} (allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})", where.get(key))
        missing = [k for k in REQUIRED_KEYS if k not in table]
        if missing:
            problem(f"document is missing {', '.join(missing)}", header)
        doc_id, path = str(table.get("doc_id", "")), str(table.get("path", ""))
        if "doc_id" in table and not _DOC_ID.match(doc_id):
            problem(f"doc_id {doc_id!r} must be lowercase letters, digits and hyphens", where.get("doc_id"))
        if doc_id in seen:
            problem(f"duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})", where.get("doc_id"))
        if "doc_id" in table:
            seen.setdefault(doc_id, where.get("doc_id") or 0)
        if "path" in table:
            resolved = (raw_dir / path).resolve()
            if not resolved.is_relative_to(raw_dir.resolve()):
                problem(f"path {path!r} is outside raw/", where.get("path"))
            elif not resolved.is_file():
                problem(f"file not found: raw/{path}", where.get("path"))
        if missing:
            continue
        if not _SCHEME.match(str(table["scheme"])):
            problem(f"scheme {table['scheme']!r} must be a short lowercase id", where.get("scheme"))
        fmt = table.get("format")
        if fmt is not None and fmt not in formats:
            problem(f"unknown format {fmt!r} (known: {', '.join(sorted(formats))})", where.get("format"))
        published = None
        if "published" in table:
            try:
                published = _published(table["published"])
            except ValueError as exc:
                problem(str(exc), where.get("published"))
        supersedes = _strings(table, "supersedes", "scheme or qualification ids", where, problem)
        accept = _strings(table, "accept", "issue codes (or code:unit_code)", where, problem)
        replaces = table.get("replaces")
        if replaces is not None and (not isinstance(replaces, str) or replaces == doc_id):
            problem("replaces must be the doc_id of another document (the earlier edition)", where.get("replaces"))
            replaces = None
        replaces_at[doc_id] = where.get("replaces")
        entries.append(
            Entry(
                doc_id=doc_id,
                path=path,
                publisher=str(table["publisher"]),
                scheme=str(table["scheme"]),
                title=str(table["title"]),
                qualification=table.get("qualification"),
                published=published,
                supersedes=tuple(supersedes),
                replaces=replaces,
                format=fmt,
                accept=tuple(accept),
            )
        )
    chain = {e.doc_id: e.replaces for e in entries}
    for entry in entries:
        if entry.replaces and entry.replaces not in chain:
            problem(f"replaces names unknown doc_id {entry.replaces!r}", replaces_at[entry.doc_id])
        elif _replaces_cycle(entry.doc_id, chain):
            problem(f"the replaces chain of {entry.doc_id!r} loops back on itself", replaces_at[entry.doc_id])
    problems += _limits(data, text, shown)[1] + _publishing(data, text, shown)[1]
    if problems:
        raise ManifestError(sorted(problems, key=lambda p: (p.location.line if p.location else None) or 0))
    return entries + _unlisted(raw_dir, entries)


def load_limits(raw_dir: Path) -> Limits:
    """The manifest's ``[limits]`` table over the defaults (raises ManifestError naming each bad line)."""
    return _settings(raw_dir, _limits)


def load_publishing(raw_dir: Path) -> Publishing:
    """The manifest's ``[publish]`` table over the defaults (raises ManifestError naming each bad line)."""
    return _settings(raw_dir, _publishing)


def _settings(raw_dir: Path, read: Callable[[dict[str, Any], str, str], tuple[T, list[PipelineError]]]) -> T:
    """One settings table of the manifest, read by ``read(data, text, shown)`` -> (settings, problems)."""
    manifest_path = raw_dir / MANIFEST_NAME
    text = manifest_path.read_text(encoding="utf-8")
    settings, problems = read(tomllib.loads(text), text, str(manifest_path))
    if problems:
        raise ManifestError(problems)
    return settings


def _table_lines(text: str, name: str) -> dict[str, int]:
    """The line number of each key of the ``[name]`` table."""
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{name}]"
        elif inside and (m := re.match(r"([A-Za-z0-9_-]+)\s*=", stripped)):
            lines.setdefault(m.group(1), number)
    return lines


def _limits(data: dict[str, Any], text: str, shown: str) -> tuple[Limits, list[PipelineError]]:
    """``[limits]`` over the defaults, and a problem per bad key."""
    table = data.get("limits", {})
    lines = _table_lines(text, "limits")
    known = {f.name: f.type for f in dataclasses.fields(Limits)}
    problems = _not_a_table(table, "limits", shown)
    values: dict[str, Any] = {}  # each checked against its field's type below
    for key, value in (table.items() if isinstance(table, dict) else ()):
        where = Location(shown, line=lines.get(key))
        if key not in known:
            problems.append(PipelineError(f"unknown limit {key!r} (allowed: {', '.join(known)})", where))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (
                known[key] == "int" and not isinstance(value, int)):
            problems.append(PipelineError(f"{key} must be a positive {'whole ' if known[key] == 'int' else ''}number", where))
        else:
            values[key] = value
    return Limits(**values), problems


def _publishing(data: dict[str, Any], text: str, shown: str) -> tuple[Publishing, list[PipelineError]]:
    """``[publish]`` over the defaults, and a problem per bad key: both must be absolute http(s) URIs."""
    table = data.get("publish", {})
    lines = _table_lines(text, "publish")
    known = [f.name for f in dataclasses.fields(Publishing)]
    problems = _not_a_table(table, "publish", shown)
    values: dict[str, str] = {}
    for key, value in (table.items() if isinstance(table, dict) else ()):
        where = Location(shown, line=lines.get(key))
        if key not in known:
            problems.append(PipelineError(f"unknown publish setting {key!r} (allowed: {', '.join(known)})", where))
        elif not _is_web_uri(value):
            problems.append(PipelineError(f"{key} must be an absolute http:// or https:// URI, not {value!r}", where))
        elif key == "base_uri" and not value.endswith("/"):
            # identifiers are the base plus a path (and a criterion's #fragment): without the slash they would
            # run into the base's last segment, and after a '#' a second fragment is no IRI
            problems.append(PipelineError(f"base_uri must end with '/', not {value!r}", where))
        else:
            values[key] = value
    return Publishing(**values), problems


def _not_a_table(value: object, name: str, shown: str) -> list[PipelineError]:
    """A problem if the settings ``name`` are not a table (``name = 3`` rather than ``[name]``)."""
    return [] if isinstance(value, dict) else [PipelineError(f"{name} must be a [{name}] table", Location(shown))]


def _is_web_uri(value: object) -> bool:
    """Whether ``value`` is an absolute http(s) URI with a host and no character a URI cannot hold."""
    if not isinstance(value, str) or _NOT_IN_URI.search(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(host)


def _strings(table: dict[str, Any], key: str, what: str, where: dict[str, int],
             problem: Callable[[str, int | None], None]) -> list[str]:
    """A key holding one string or a list of strings."""
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problem(f"{key} must be a list of {what}", where.get(key))
        return []
    return value


def _replaces_cycle(doc_id: str, replaces: dict[str, str | None]) -> bool:
    """Whether following ``replaces`` from ``doc_id`` comes back to a document already seen."""
    seen = {doc_id}
    current = replaces.get(doc_id)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = replaces.get(current)
    return False


SOURCE_SUFFIXES = (".pdf", ".txt", ".html", ".htm")


def _unlisted(raw_dir: Path, entries: list[Entry]) -> list[Entry]:
    """Files in raw/ that the manifest does not name: processed with detected values."""
    listed = {(raw_dir / e.path).resolve() for e in entries}
    taken = {e.doc_id for e in entries}
    found = []
    for path in sorted(raw_dir.rglob("*")):
        if path.suffix.lower() not in SOURCE_SUFFIXES or path.resolve() in listed:
            continue
        if not path.resolve().is_relative_to(raw_dir.resolve()):
            shown = f"raw/{path.relative_to(raw_dir)}"
            raise ManifestError([PipelineError(f"{shown} links to a file outside raw/: refused", Location(shown))])
        doc_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
        while doc_id in taken:
            doc_id += "-x"
        taken.add(doc_id)
        log.warning("raw/%s is not in the manifest: processed as %s with detected values", path.relative_to(raw_dir), doc_id)
        found.append(
            Entry(doc_id=doc_id, path=str(path.relative_to(raw_dir)), publisher=None, scheme=None, title=None, listed=False)
        )
    return found
