"""The ``handbooks`` command: options, one library call, a short summary."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import click

from pipeline import __version__, query, runner
from pipeline.errors import ManifestError, PipelineError
from pipeline.parallel import Engine, default_workers

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
        elif done == total or done == 0 and item == "":
            click.echo(line, err=True)


def _paths(ctx: click.Context) -> runner.Paths:
    return ctx.obj["paths"]


def _engine(ctx: click.Context) -> Engine:
    return ctx.obj["engine"]


def _progress(ctx: click.Context) -> Bar:
    return Bar(ctx.obj["quiet"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handbooks")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Project folder holding raw/, extracted/ and mappings/.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("-v", "--verbose", is_flag=True, help="Log each step.")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers(), show_default="all cores",
              help="Processes that extract and parse documents side by side.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run extraction, parsing and pair scoring on this Dask scheduler, e.g. tcp://host:8786.")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool, quiet: bool, verbose: bool, workers: int,
        scheduler: str | None) -> None:
    """Turn qualification handbooks in raw/ into Parquet datasets and old-to-new unit mappings."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ctx.obj = {"paths": runner.Paths(root.resolve()), "debug": debug, "quiet": quiet,
               "engine": Engine(workers, scheduler)}


def _print_documents(report: runner.RunReport) -> None:
    extracted = report.extracted_count
    click.echo(f"extract: {extracted} document(s) extracted, {len(report.documents) - extracted} unchanged (cached)"
               if extracted else f"extract: nothing to extract, all {len(report.documents)} documents unchanged")
    for d in report.documents:
        if d.error:
            click.echo(f"  {d.entry.doc_id:<24} FAILED  {d.error}")
            continue
        counts = ", ".join(f"{v} {k}" for k, v in d.counts.items() if k != "issues" and (v or k != "NOS units"))
        issues = ", ".join(f"{n} {sev}(s)" for sev, n in sorted(d.issues.items())) or "no issues"
        click.echo(f"  {d.entry.doc_id:<24} {d.profile:<13} {counts}; {issues}")


def _exit_for(report: runner.RunReport) -> None:
    if report.failed:
        click.echo(f"{len(report.failed)} document(s) failed; the others were published", err=True)
        sys.exit(1)


def _match_summary(s: dict[str, int]) -> str:
    """The match stage's counts, a line per question an operator asks."""
    saved = s["comparisons_saved"] / s["all_pairs"] if s["all_pairs"] else 0.0
    return "\n".join([
        f"match: {s['units']} units; blocking kept {s['comparisons']} of {s['all_pairs']} cross-scheme pairs "
        f"({saved:.1%} saved)",
        f"  pairs: {s['matches']} match, {s['possible']} possible, {s['non_matches']} non-match; "
        f"{s['families']} families",
        f"  unit_map: {s['map_rows']} rows ({s['map_equivalent']} equivalent, {s['map_partial']} partial, "
        f"{s['map_none']} none); {s['criterion_pairs']} criterion pairs",
        f"  overrides: {s['overrides_applied']} applied, {s['overrides_ignored']} ignored; "
        f"{s['review']} pair(s) to decide in mappings/review.csv",
    ])


@cli.command()
@click.option("--force", is_flag=True, help="Extract every document again, ignoring the cache.")
@click.pass_context
def run(ctx: click.Context, force: bool) -> None:
    """Run every stage: extract, parse, match, publish (what `make` calls)."""
    report = runner.run(_paths(ctx), _progress(ctx), force=force, engine=_engine(ctx))
    _print_documents(report)
    if report.match_summary:
        click.echo(_match_summary(report.match_summary))
    click.echo(f"publish: {len(report.published)} file(s) in extracted/ and mappings/")
    _exit_for(report)


@cli.command()
@click.option("--force", is_flag=True, help="Extract every document again, ignoring the cache.")
@click.pass_context
def extract(ctx: click.Context, force: bool) -> None:
    """Extract raw/ documents into line models under extracted/<doc_id>/ (cached by SHA-256)."""
    paths = _paths(ctx)
    outcomes = runner.extract(paths, runner.manifest_entries(paths), _progress(ctx), force, _engine(ctx))
    report = runner.RunReport(documents=outcomes)
    click.echo(f"extract: {report.extracted_count} extracted, {len(outcomes) - report.extracted_count} unchanged")
    for o in report.failed:
        click.echo(f"  {o.entry.doc_id}: FAILED {o.error}")
    _exit_for(report)


@cli.command()
@click.pass_context
def parse(ctx: click.Context) -> None:
    """Parse the extracted documents and stage the datasets (publish makes them visible)."""
    paths = _paths(ctx)
    report = runner.parse(paths, runner.manifest_entries(paths), _progress(ctx), engine=_engine(ctx))
    _print_documents(report)
    click.echo("parse: datasets staged; run `handbooks publish` to publish them")
    _exit_for(report)


@cli.command()
@click.pass_context
def match(ctx: click.Context) -> None:
    """Match units across schemes and stage the mappings (publish makes them visible)."""
    paths = _paths(ctx)
    summary = runner.match(paths, runner.manifest_entries(paths), _progress(ctx), _engine(ctx))
    click.echo(_match_summary(summary))
    click.echo("match: mappings staged; run `handbooks publish` to publish them")


@cli.command()
@click.pass_context
def publish(ctx: click.Context) -> None:
    """Validate the staged datasets and mappings and swap them into place together."""
    moved = runner.publish(_paths(ctx))
    click.echo(f"publish: {len(moved)} file(s) published")


@cli.command()
@click.argument("code_or_title")
@click.pass_context
def lookup(ctx: click.Context, code_or_title: str) -> None:
    """Show what a unit maps to across schemes: by unit key, code, NOS code or title words."""
    click.echo(query.lookup(_paths(ctx), code_or_title))


@cli.command()
@click.option("--held", "held", multiple=True, required=True, metavar="KEY",
              help="A unit key the candidate holds (repeat for each unit), e.g. cg-legacy:207.")
@click.option("--target", required=True, metavar="QUALIFICATION", help="Qualification id, e.g. cg-4430-03.")
@click.pass_context
def rpl(ctx: click.Context, held: tuple[str, ...], target: str) -> None:
    """What a candidate holding old units still has to show for a new qualification."""
    click.echo(query.rpl(_paths(ctx), list(held), target))


@cli.command()
@click.argument("statement")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_context
def sql(ctx: click.Context, statement: str, as_csv: bool) -> None:
    """Run SQL (DuckDB) over the published datasets; each is a view named after its file."""
    click.echo(query.sql(_paths(ctx), statement, as_csv))


@cli.command()
@click.argument("old_doc")
@click.argument("new_doc")
@click.pass_context
def diff(ctx: click.Context, old_doc: str, new_doc: str) -> None:
    """What changed between two releases: units added, removed and matched, by doc_id."""
    click.echo(query.diff(_paths(ctx), old_doc, new_doc))


def main() -> None:
    """Entry point: run the command, mapping errors to exit codes (0 ok, 1 failed documents, 2 usage)."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
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
        if debug:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception:
        if debug:
            raise
        click.echo(f"internal error: {traceback.format_exc(limit=1).strip().splitlines()[-1]} (rerun with --debug)", err=True)
        sys.exit(1)
