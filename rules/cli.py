"""`sop rules ...`: check rule files, run their examples, backtest a candidate folder."""

from __future__ import annotations

import json
import pathlib
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import click

from rules.backtest import compare
from rules.book import RULE_SETS, compile_files, load_rulebook, load_rulebook_from_texts, read_folder, read_rule_text
from rules.errors import InvalidFacts, RulesError

PACKAGE_FOLDER = pathlib.Path(__file__).resolve().parent


FOLDER_HELP = "Rules folder (default: the one the service uses, SOP_RULES_DIR)."
FolderPath = click.Path(file_okay=False, path_type=pathlib.Path)


@click.group("rules")
@click.option("--folder", type=FolderPath, default=None, help=FOLDER_HELP)
@click.pass_context
def rules_cli(ctx: click.Context, folder: pathlib.Path | None) -> None:
    """Check, test and backtest the business rule files."""
    # the sop entry point may put its configured folder (SOP_RULES_DIR) in ctx.obj["rules_dir"]
    parent = ctx.obj if isinstance(ctx.obj, dict) else {}
    configured = pathlib.Path(parent.get("rules_dir") or PACKAGE_FOLDER)
    ctx.obj = {**parent, "configured_rules_dir": configured, "rules_dir": pathlib.Path(folder or configured),
               "folder_given": folder}


def _folder_after_command(ctx: click.Context, param: click.Parameter, folder: pathlib.Path | None) -> None:
    """`sop rules check --folder X` means what `sop rules --folder X check` means."""
    if folder is None:
        return
    obj = ctx.find_object(dict)
    if obj is None:  # the command was called without the group (e.g. in a test): nothing to override
        return
    given = obj.get("folder_given")
    if given is not None and pathlib.Path(given).resolve() != folder.resolve():
        raise click.UsageError(f"--folder is given twice, as {given} and {folder}; give it once")
    obj["rules_dir"] = folder


def folder_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """The group's --folder, accepted after the sub-command too."""
    return click.option("--folder", type=FolderPath, default=None, expose_value=False,
                        callback=_folder_after_command, help=FOLDER_HELP)(command)


@rules_cli.command()
@folder_option
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@click.pass_obj
def check(obj: dict[str, Any], files: tuple[pathlib.Path, ...]) -> None:
    """Validate rule files and run their examples; exit code 1 on any error."""
    try:
        if files:
            texts = {str(path): read_rule_text(path, str(path)) for path in files}
            _, errors, results = compile_files(texts)
            if errors:
                raise RulesError(errors)
            click.echo(f"ok: {len(files)} file(s), {len(results)} example(s) passed")
        else:
            book = load_rulebook(obj["rules_dir"])
            click.echo(f"ok: {len(book.rule_sets)} rule sets, version {book.version}")
    except RulesError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None


@rules_cli.command()
@folder_option
@click.pass_obj
def test(obj: dict[str, Any]) -> None:
    """Run every file's examples and print a table of pass/fail."""
    try:
        texts = read_folder(obj["rules_dir"])
    except RulesError as error:
        raise click.ClickException(str(error)) from None
    _, errors, results = compile_files(texts)
    width = max((len(r.example) for r in results), default=10)
    click.echo(f"{'file':<22}{'example':<{width + 2}}result")
    for result in results:
        verdict = "pass" if result.passed else f"FAIL  {result.message}"
        click.echo(f"{result.file:<22}{result.example:<{width + 2}}{verdict}")
    example_failures = {str(r.as_error()) for r in results if not r.passed}
    for problem in errors:
        if str(problem) not in example_failures:
            click.echo(str(problem), err=True)
    passed = sum(r.passed for r in results)
    # A file that does not load runs none of its examples: they are not in the count.
    unread = sorted({problem.file for problem in errors} - {r.file for r in results})
    not_run = f"; not run: the examples of {', '.join(unread)} (the file does not load)" if unread else ""
    click.echo(f"{passed}/{len(results)} examples passed{not_run}")
    if errors:
        raise SystemExit(1)


@rules_cli.command()
@folder_option
@click.option("--candidate", required=True, type=click.Path(exists=True, file_okay=False, path_type=pathlib.Path))
@click.option("--facts", "facts_file", default=None, type=click.Path(exists=True, dir_okay=False,
                                                                     path_type=pathlib.Path),
              help="JSON lines: each a facts mapping, or {\"key\": ORDER, \"facts\": {...}}. "
                   "Without it, the stored orders' review facts are replayed (from, to).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Stored orders received from this day (inclusive).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Stored orders received before this day.")
@click.option("--rule-set", default="review", type=click.Choice(RULE_SETS), show_default=True)
@click.pass_obj
def backtest(obj: dict[str, Any], candidate: pathlib.Path, facts_file: pathlib.Path | None,
             start: datetime | None, end: datetime | None, rule_set: str) -> None:
    """Replay facts through the live and the candidate rules; print what would change."""
    if facts_file is not None and (start or end):
        raise click.UsageError("--from and --to choose stored orders; they do not apply to --facts FILE")
    if start and end and end <= start:
        raise click.BadParameter(f"the period is empty: --to ({end:%Y-%m-%d}) must be after --from "
                                 f"({start:%Y-%m-%d})", param_hint="--to")
    try:
        live = load_rulebook(obj["rules_dir"])
        candidate_book = load_rulebook_from_texts(read_folder(candidate))
    except RulesError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    if facts_file is not None:
        rows = list(_read_jsonl(facts_file))
    elif callable(obj.get("stored_facts")):
        # The `sop` entry point passes a reader of the database's stored review facts: rules/ has no storage.
        rows = list(obj["stored_facts"](start, end))
    else:
        raise click.UsageError("give --facts FILE (no stored orders are reachable from here)")
    replaying = ""

    def facts() -> Iterator[dict[str, Any]]:
        nonlocal replaying
        for key, row_facts in rows:
            replaying = key
            yield row_facts

    try:
        # The bar only on a terminal: redrawn into a log or a pipe it was hundreds of lines.
        report = compare(live, candidate_book, rule_set, facts(), progress=sys.stderr.isatty(),
                         keys=(key for key, _ in rows))
    except InvalidFacts as error:
        raise click.ClickException(f"facts of {replaying} do not fit the {rule_set} rule set: {error}") from None
    click.echo(report.to_table())


def _read_jsonl(path: pathlib.Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise click.ClickException(f"{path}:{number}: not valid JSON: {error.msg}") from None
            if isinstance(row, dict) and isinstance(row.get("facts"), dict):
                yield str(row.get("key", f"{path.name}:{number}")), row["facts"]
            elif isinstance(row, dict):
                yield f"{path.name}:{number}", row
            else:
                raise click.ClickException(f"{path}:{number}: expected a JSON object of facts")
