"""`sop rules check|test` (and backtest, from rules/backtest_cli.py): check rule files, run their examples."""

from __future__ import annotations

import pathlib
from typing import Any

import click

from rules.backtest_cli import backtest
from rules.book import compile_files, load_rulebook, read_folder, read_rule_text
from rules.cli_options import FOLDER_HELP, FOLDER_PATH, echo_errors, folder_option, rules_context
from rules.errors import RulesError


@click.group("rules")
@click.option("--folder", type=FOLDER_PATH, default=None, help=FOLDER_HELP)
@click.pass_context
def rules_cli(ctx: click.Context, folder: pathlib.Path | None) -> None:
    """Check, test and backtest the business rule files."""
    ctx.obj = rules_context(ctx.obj, folder)


@rules_cli.command()
@folder_option
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@click.pass_obj
def check(obj: dict[str, Any], files: tuple[pathlib.Path, ...]) -> None:
    """Validate rule files, run their examples and find values no rule gives a verdict; exit 1 on any error."""
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
        echo_errors(error)
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


rules_cli.add_command(backtest)
