"""`sop rules backtest`: the edited rules against the rules in force, every rule set that differs."""

from __future__ import annotations

import json
import pathlib
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import click

from rules.backtest import SETTINGS_SETS, compare, compare_settings, differing_rule_sets
from rules.book import RULE_SETS, RuleBook, load_rulebook, load_rulebook_from_texts, read_folder
from rules.cli_options import FOLDER_PATH, echo_errors, folder_option
from rules.errors import InvalidFacts, RulesError

# What the `sop` entry point passes as ctx.obj["rules_in_force"] (rules/ has no storage): the files of the
# revision the server decides with and which one it is, or None and why there is none.
InForceReader = Callable[[], tuple[Mapping[str, str] | None, str]]
# (order, facts, the figures the review stored per criterion beside the rules' own: components, lines)
FactRows = list[tuple[str, dict[str, Any], dict[str, str]]]


@click.command()
@folder_option
@click.option("--candidate", default=None, type=click.Path(exists=True, file_okay=False, path_type=pathlib.Path),
              help="The edited rules (default: the --folder).")
@click.option("--live", "live_folder", default=None, type=FOLDER_PATH,
              help="Compare with this folder instead of the rules in force.")
@click.option("--facts", "facts_file", default=None, type=click.Path(exists=True, dir_okay=False,
                                                                     path_type=pathlib.Path),
              help="JSON lines: each a facts mapping, or {\"key\": ORDER, \"facts\": {...}, \"details\": "
                   "{CRITERION: TEXT}}. "
                   "Without it, the stored orders' review facts are replayed (from, to).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Stored orders received from this day (inclusive).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Stored orders received before this day.")
@click.option("--rule-set", default=None, type=click.Choice(RULE_SETS),
              help="Only this rule set (default: every rule set that differs).")
@click.pass_obj
def backtest(obj: dict[str, Any], candidate: pathlib.Path | None, live_folder: pathlib.Path | None,
             facts_file: pathlib.Path | None, start: datetime | None, end: datetime | None,
             rule_set: str | None) -> None:
    """Replay orders through the rules in force (the revision the server decides with) and the edited rules in
    --folder; print what would change in every rule set that differs."""
    if facts_file is not None and (start or end):
        raise click.UsageError("--from and --to choose stored orders; they do not apply to --facts FILE")
    if start and end and end <= start:
        raise click.BadParameter(f"the period is empty: --to ({end:%Y-%m-%d}) must be after --from "
                                 f"({start:%Y-%m-%d})", param_hint="--to")
    candidate_folder = candidate or obj["rules_dir"]
    try:
        candidate_book = load_rulebook_from_texts(read_folder(candidate_folder))
        live, live_label = _live_rules(obj, live_folder)
    except RulesError as error:
        echo_errors(error)
        raise SystemExit(1) from None
    click.echo(f"live:      {live.version}  {live_label}")
    click.echo(f"candidate: {candidate_book.version}  the folder {candidate_folder}")
    changed, same = differing_rule_sets(live, candidate_book)
    rule_sets = [rule_set] if rule_set else changed
    unchanged = [name for name in same if name not in rule_sets]
    if unchanged:
        click.echo(f"unchanged: {', '.join(unchanged)}")
    if not rule_sets:
        click.echo("no rule set differs: the candidate holds the rules in force. Edit a copy of the rules folder "
                   "and give it with --folder COPY")
        return
    failed = False
    for name in [name for name in rule_sets if name in SETTINGS_SETS]:
        click.echo("\n" + compare_settings(live, candidate_book, name).to_table())
    replayed = [name for name in rule_sets if name not in SETTINGS_SETS]
    rows = _fact_rows(obj, facts_file, start, end) if replayed else []
    for name in replayed:
        failed |= not _replay(live, candidate_book, name, rows)
    if failed:
        raise SystemExit(1)


def _live_rules(obj: Mapping[str, Any], live_folder: pathlib.Path | None) -> tuple[RuleBook, str]:
    """The rules to compare with and what they are: the stored revision in force, else the server's folder."""
    if live_folder is not None:
        return load_rulebook(live_folder), f"the rules folder {live_folder} (--live)"
    reader = obj.get("rules_in_force")
    why = "no database is reachable from here"
    if callable(reader):
        files, why = reader()
        if files is not None:
            try:
                return load_rulebook_from_texts(files), why
            except RulesError as error:  # a revision of an older release; the server then reads the folder too
                why = f"the stored revision does not load with this release ({error.errors[0]})"
    folder = obj["configured_rules_dir"]
    return load_rulebook(folder), f"the rules folder {folder}, used as the rules in force: {why}"


def _fact_rows(obj: Mapping[str, Any], facts_file: pathlib.Path | None, start: datetime | None,
               end: datetime | None) -> FactRows:
    if facts_file is not None:
        return list(_read_jsonl(facts_file))
    if callable(obj.get("stored_facts")):
        # The `sop` entry point passes a reader of the database's stored review facts: rules/ has no storage.
        return list(obj["stored_facts"](start, end))
    raise click.UsageError("give --facts FILE (no stored orders are reachable from here)")


def _replay(live: RuleBook, candidate: RuleBook, rule_set: str, rows: FactRows) -> bool:
    """Print the report of one rule set; False (after saying why on stderr) when the facts do not fit it."""
    replaying = ""

    def facts() -> Iterator[dict[str, Any]]:
        nonlocal replaying
        for key, row_facts, _ in rows:
            replaying = key
            yield row_facts

    try:
        # The bar only on a terminal: redrawn into a log or a pipe it was hundreds of lines.
        report = compare(live, candidate, rule_set, facts(), progress=sys.stderr.isatty(),
                         keys=(key for key, _, _ in rows), details=(details for _, _, details in rows))
    except InvalidFacts as error:
        click.echo(f"Error: facts of {replaying} do not fit the {rule_set} rule set: {error}", err=True)
        return False
    click.echo("\n" + report.to_table())
    return True


def _read_jsonl(path: pathlib.Path) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise click.ClickException(f"{path}:{number}: not valid JSON: {error.msg}") from None
            if isinstance(row, dict) and isinstance(row.get("facts"), dict):
                details = row.get("details")
                yield (str(row.get("key", f"{path.name}:{number}")), row["facts"],
                       {str(k): str(v) for k, v in details.items()} if isinstance(details, dict) else {})
            elif isinstance(row, dict):
                yield f"{path.name}:{number}", row, {}
            else:
                raise click.ClickException(f"{path}:{number}: expected a JSON object of facts")
