"""The ``handbooks`` command: options, one library call, a short summary."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline import __version__
from pipeline.core.errors import ManifestError, PipelineError
from pipeline.core.parallel import Engine, default_workers
from pipeline.store import lock

if TYPE_CHECKING:
    from pipeline.core.paths import Paths
    from pipeline.core.records import Issue
    from pipeline.runner import RunReport

# The library (and spaCy behind the parsers) is imported inside the commands, so that
# --help and --version answer at once.

log = logging.getLogger("pipeline")


class Bar:
    """A one-line progress display on stderr, redrawn in place when stderr is a terminal."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int, item: str) -> None:
        if self.quiet or total == 0:
            return
        width = 20
        filled = width * done // total
        line = f"{stage:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {item}"
        if self.tty:
            click.echo(f"\r{line:<78}", nl=done == total, err=True)
        elif done == total or (done == 0 and item == ""):
            click.echo(line, err=True)


# Each command's own exit codes, listed in its --help.
_BUSY = "1 another run holds the project and --no-wait was given"
_NO_PROJECT = "no project at --root"
_STAGES = ("0 ok", "1 some documents failed or raised errors the manifest does not accept (the rest were published)",
           _BUSY, f"2 usage or manifest error, or {_NO_PROJECT}")
EXIT_CODES = {
    "run": _STAGES, "extract": _STAGES, "parse": _STAGES,
    "match": ("0 ok", _BUSY, f"2 usage or manifest error, or {_NO_PROJECT}"),
    "publish": ("0 ok", "1 a staged dataset failed validation (nothing was published)", _BUSY,
                f"2 nothing staged, or {_NO_PROJECT}"),
    "lookup": ("0 ok", f"2 no such unit, no published datasets, or {_NO_PROJECT}"),
    "rpl": ("0 ok (complete or not)",
            f"2 an unknown or ambiguous unit or qualification, no published datasets, or {_NO_PROJECT}"),
    "sql": ("0 ok", f"2 an SQL error, no published datasets, or {_NO_PROJECT}"),
    "diff": ("0 ok", f"2 an unknown document, no published datasets, or {_NO_PROJECT}"),
}


def _epilog(command: str, *examples: str) -> str:
    """A command's help epilog: examples, then its own exit codes (``\\b`` keeps click from rewrapping)."""
    codes = "\n".join(f"  {code}" for code in EXIT_CODES[command])
    return "\b\nExamples:\n" + "\n".join(f"  {e}" for e in examples) + f"\n\n\b\nExit codes:\n{codes}"


def _paths(ctx: click.Context) -> Paths:
    """The project's paths; a folder with neither raw/ nor extracted/ is no project, and the error says so."""
    from pipeline.core.errors import UsageError
    from pipeline.core.paths import Paths

    paths = Paths(ctx.obj["root"])
    if not paths.raw.is_dir() and not paths.extracted.is_dir():
        raise UsageError(f"no project at {paths.root} (looked for {paths.raw} and {paths.extracted}): "
                         "run inside a project folder or give it with --root PATH")
    return paths


def _engine(ctx: click.Context) -> Engine:
    engine: Engine = ctx.obj["engine"]
    return engine


def _progress(ctx: click.Context) -> Bar:
    return Bar(ctx.obj["quiet"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handbooks")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Project folder holding raw/, extracted/ and mappings/.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("-v", "--verbose", is_flag=True, help="Log each step.")
@click.option("--no-wait", is_flag=True,
              help="If another run is writing the project, exit 1 at once instead of waiting for it.")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers(), show_default="all cores",
              help="Processes that extract and parse documents side by side.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run extraction, parsing and pair scoring on this Dask scheduler, e.g. tcp://host:8786.")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool, quiet: bool, verbose: bool, no_wait: bool, workers: int,
        scheduler: str | None) -> None:
    """Turn qualification handbooks in raw/ into Parquet datasets and old-to-new unit mappings."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ctx.obj = {"root": root.resolve(), "debug": debug, "quiet": quiet, "no_wait": no_wait,
               # One pool (or Dask client) for the whole command, closed when it ends.
               "engine": ctx.with_resource(Engine(workers, scheduler))}


def _extract_summary(report: RunReport) -> str:
    """How many documents were read now, came from the cache, or could not be read."""
    extracted = report.extracted_count
    unreadable = sum(d.extraction is None for d in report.documents)
    unchanged = len(report.documents) - extracted - unreadable
    if not extracted and not unreadable:
        return f"extract: nothing to extract, all {unchanged} documents unchanged"
    return (f"extract: {extracted} document(s) extracted, {unchanged} unchanged (cached)"
            + (f", {unreadable} could not be read" if unreadable else ""))


def _print_documents(report: RunReport) -> None:
    click.echo(_extract_summary(report))
    for d in report.documents:
        if d.error:
            click.echo(f"  {d.entry.doc_id:<24} {'STALE' if d.stale else 'FAILED':<7} {d.error}")
            continue
        counts = ", ".join(f"{v} {k}" for k, v in d.counts.items() if k != "issues" and (v or k != "NOS units"))
        issues = ", ".join(f"{n} {sev}(s)" for sev, n in sorted(d.issues.items())) or "no issues"
        kept = ""
        if d.conservation:
            shares = d.conservation.shares()
            kept = f"; {shares['share_in_records']:.1%} of its text in records, {shares['share_unaccounted']:.1%} unaccounted"
        click.echo(f"  {d.entry.doc_id:<24} {d.profile:<13} {counts}; {issues}{kept}")
        if d.edition_changes:
            click.echo(f"  {'':<24} replaces {d.entry.replaces}: {d.edition_changes}")


def _print_removed(report: RunReport) -> None:
    for doc_id in report.removed:
        click.echo(f"  {doc_id:<24} REMOVED no longer in raw/ or the manifest: its cache and records are gone")


def _exit_for(report: RunReport, shown_errors: int = 3) -> None:
    """Exit 1 when a document failed or raised errors its manifest entry does not accept, saying which."""
    for d in report.unaccepted:
        click.echo(f"{d.entry.doc_id}: {len(d.errors)} error(s) not accepted in the manifest:", err=True)
        for issue in d.errors[:shown_errors]:
            where = ":".join(str(n) for n in (issue.page, issue.line) if n is not None)
            click.echo(f"  raw/{d.entry.path}{':' + where if where else ''}: {issue.code}: {issue.message}", err=True)
    if report.failed:
        click.echo(f"{len(report.failed)} document(s) failed; the others were published", err=True)
    if report.failed or report.unaccepted:
        sys.exit(1)


def _match_summary(s: dict[str, int]) -> str:
    """The match stage's counts, a line per question an operator asks."""
    saved = s["comparisons_saved"] / s["all_pairs"] if s["all_pairs"] else 0.0
    return "\n".join([
        f"match: {s['units']} units; blocking kept {s['comparisons']} of {s['all_pairs']} cross-scheme pairs "
        f"({saved:.1%} saved); {s['pairs_compared']} compared, {s['pairs_kept']} kept from an earlier run",
        f"  pairs: {s['matches']} match, {s['possible']} possible, {s['non_matches']} non-match; "
        f"{s['families']} families",
        f"  unit_map: {s['map_rows']} rows ({s['map_equivalent']} equivalent, {s['map_partial']} partial, "
        f"{s['map_none']} none); {s['criterion_pairs']} criterion pairs",
        f"  overrides: {s['overrides_applied']} applied, {s['overrides_ignored']} ignored; "
        f"{s['review']} pair(s) to decide in mappings/review.csv",
        f"  model: m by EM over {s['model_pairs']} candidate pairs ({s['model_iterations']} iterations), u from "
        f"{s['model_random_pairs']} random pairs, {s['equivalences_learned']} word equivalence(s) learned; "
        "mappings/model.json",
    ])


def _ignored_overrides(ignored: list[Issue]) -> str:
    """One line per override row that was not applied: its row and why."""
    return "\n".join(f"    ignored mappings/overrides.csv:{i.line}: {i.message}" for i in ignored)


def _locked(ctx: click.Context) -> AbstractContextManager[None]:
    """The project's lock for a command that writes; waiting is said on stderr."""
    return lock.hold(_paths(ctx).extracted, wait=not ctx.obj["no_wait"], on_wait=lambda m: click.echo(m, err=True))


@cli.command(epilog=_epilog("run", "handbooks run", "handbooks --root /srv/handbooks run --force"))
@click.option("--force", is_flag=True, help="Extract and parse every document again, ignoring the caches.")
@click.pass_context
def run(ctx: click.Context, force: bool) -> None:
    """Run every stage: extract, parse, match, publish (what `make` calls)."""
    from pipeline import runner

    with _locked(ctx):
        report = runner.run(_paths(ctx), _progress(ctx), force=force, engine=_engine(ctx))
    _print_documents(report)
    _print_removed(report)
    if report.match_summary:
        click.echo(_match_summary(report.match_summary))
    if report.ignored_overrides:
        click.echo(_ignored_overrides(report.ignored_overrides))
    click.echo(_published_line(report.published))
    _exit_for(report)


@cli.command(epilog=_epilog("extract", "handbooks extract", "handbooks extract --force"))
@click.option("--force", is_flag=True, help="Extract every document again, ignoring the cache.")
@click.pass_context
def extract(ctx: click.Context, force: bool) -> None:
    """Extract raw/ documents into line models under extracted/<doc_id>/ (cached by SHA-256)."""
    from pipeline import runner

    paths = _paths(ctx)
    with _locked(ctx):
        outcomes = runner.extract(paths, runner.manifest_entries(paths), _progress(ctx), force, _engine(ctx))
    report = runner.RunReport(documents=outcomes)
    click.echo(_extract_summary(report))
    for o in report.failed:
        click.echo(f"  {o.entry.doc_id}: FAILED {o.error}")
    _exit_for(report)


@cli.command(epilog=_epilog("parse", "handbooks parse && handbooks publish"))
@click.pass_context
def parse(ctx: click.Context) -> None:
    """Parse the extracted documents and stage the datasets (publish makes them visible)."""
    from pipeline import runner

    paths = _paths(ctx)
    with _locked(ctx):
        report = runner.parse(paths, runner.manifest_entries(paths), _progress(ctx), engine=_engine(ctx))
    _print_documents(report)
    _print_removed(report)
    click.echo("parse: datasets staged; run `handbooks publish` to publish them")
    _exit_for(report)


@cli.command(epilog=_epilog("match", "handbooks match && handbooks publish"))
@click.pass_context
def match(ctx: click.Context) -> None:
    """Match units across schemes and stage the mappings (publish makes them visible)."""
    from pipeline import runner

    paths = _paths(ctx)
    with _locked(ctx):
        summary, ignored = runner.match(paths, runner.manifest_entries(paths), _progress(ctx), _engine(ctx))
    click.echo(_match_summary(summary))
    if ignored:
        click.echo(_ignored_overrides(ignored))
    click.echo("match: mappings staged; run `handbooks publish` to publish them")


@cli.command(epilog=_epilog("publish", "handbooks publish"))
@click.pass_context
def publish(ctx: click.Context) -> None:
    """Validate the staged datasets and mappings and swap them into place together."""
    from pipeline import runner

    with _locked(ctx):
        moved = runner.publish(_paths(ctx))
    click.echo(_published_line(moved))


def _published_line(published: list[str]) -> str:
    """What publishing did: how many files a new generation holds, or that nothing changed."""
    if not published:
        return "publish: nothing changed; no new generation written"
    return f"publish: {len(published)} file(s) in extracted/ and mappings/"


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _output_options(formats: tuple[str, ...]) -> Callable[[_Command], _Command]:
    """--json, --csv and --format, as one decorator (the last given wins)."""
    def decorate(command: _Command) -> _Command:
        command = click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                               help="Output format.")(command)
        command = click.option("--csv", "fmt", flag_value="csv", help="Same as --format csv.")(command)
        return click.option("--json", "fmt", flag_value="json", help="Same as --format json.")(command)
    return decorate


@cli.command(epilog=_epilog("lookup", "handbooks lookup 207", "handbooks lookup cg-legacy:303 --json",
                            'handbooks lookup "complaints" --csv'))
@click.argument("code_or_title")
@_output_options(("text", "json", "csv"))
@click.pass_context
def lookup(ctx: click.Context, code_or_title: str, fmt: str) -> None:
    """Show what a unit maps to across schemes: by unit key, code, NOS code or title words.

    A bare code found in several schemes lists each (303 is legacy 303 and also 4430-303).
    """
    from pipeline.answers import query
    from pipeline.answers import render as answers

    click.echo(answers.lookup_text(query.lookup(_paths(ctx), code_or_title), fmt))


@cli.command(epilog=_epilog("rpl", "handbooks rpl --held 207,cg-legacy:303 --target 4430-03",
                            "handbooks rpl --held 207 --target cg-4430-03 --format markdown > rpl.md"))
@click.option("--held", "held", multiple=True, required=True, metavar="UNIT[,UNIT...]",
              help="Units the candidate holds, as keys (cg-legacy:207) or codes found in one scheme only (207); "
                   "comma-separated, or repeat the option.")
@click.option("--target", required=True, metavar="QUALIFICATION",
              help="Qualification id (cg-4430-03), or its number alone (4430-03) where only one id ends in it.")
@_output_options(("text", "json", "csv", "markdown"))
@click.pass_context
def rpl(ctx: click.Context, held: tuple[str, ...], target: str, fmt: str) -> None:
    """What a candidate holding old units still has to show for a new qualification.

    A unit is credited only when the held units cover each of its criteria, or a person
    confirmed the mapping; otherwise it is a gap (credits pending, criteria to evidence)
    or unverified. Every rule of combination is checked on credited units and on credited
    plus pending, with the units that would meet each unmet rule. --format markdown is a
    record to file.
    """
    from pipeline.answers import query
    from pipeline.answers import render as answers

    click.echo(answers.rpl_text(query.rpl(_paths(ctx), list(held), target), fmt))


@cli.command(epilog=_epilog("sql", 'handbooks sql "SELECT unit_key, title FROM units WHERE scheme = \'cg-legacy\'"',
                            'handbooks sql "SELECT count(*) FROM unit_map" --csv'))
@click.argument("statement")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_context
def sql(ctx: click.Context, statement: str, as_csv: bool) -> None:
    """Run SQL (DuckDB) over the published datasets; each is a view named after its file."""
    from pipeline.answers import query
    from pipeline.answers import render as answers

    frame = query.sql(_paths(ctx), statement)
    click.echo(answers.csv_text(frame) if as_csv else frame.to_string(index=False) if len(frame) else "(no rows)")


@cli.command(epilog=_epilog("diff", "handbooks diff cg-4430-03-handbook cg-4430-03-handbook-2012",
                            "handbooks diff cg-4430-03-handbook cg-4430-03-handbook-2012 --json"))
@click.argument("old_doc")
@click.argument("new_doc")
@_output_options(("text", "json", "csv"))
@click.pass_context
def diff(ctx: click.Context, old_doc: str, new_doc: str, fmt: str) -> None:
    """What changed between two editions, unit by unit (by doc_id): kept, retitled, changed, added, removed.

    --json prints one object with those five keys; --csv one row per unit.
    """
    from pipeline.answers import diff as editions_diff

    changes, versions = editions_diff.diff_published(_paths(ctx).extracted, old_doc, new_doc)
    if fmt == "json":
        click.echo(json.dumps(changes.to_json(), indent=2, ensure_ascii=False, default=str))
    elif fmt == "csv":
        click.echo(editions_diff.to_csv(changes))
    else:
        click.echo(editions_diff.render(changes, versions))


def main() -> None:
    """Entry point: run the command, mapping errors to exit codes (0 ok, 1 failed documents, 2 usage)."""
    ctx: click.Context | None = None
    try:
        ctx = cli.make_context("handbooks", sys.argv[1:])
        with ctx:
            cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except ManifestError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("the manifest is invalid; nothing was published", err=True)
        sys.exit(exc.exit_code)
    except PipelineError as exc:
        if _debug(ctx):
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception:
        if _debug(ctx):
            raise
        click.echo(f"internal error: {traceback.format_exc(limit=1).strip().splitlines()[-1]} (rerun with --debug)", err=True)
        sys.exit(1)


def _debug(ctx: click.Context | None) -> bool:
    """Whether the command line asked for tracebacks (``--debug``, as the group parsed it)."""
    return bool(ctx is not None and isinstance(ctx.obj, dict) and ctx.obj.get("debug"))
