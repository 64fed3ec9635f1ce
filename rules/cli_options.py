"""Options every `sop rules` command shares: the rules folder, before or after the sub-command."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import click

PACKAGE_FOLDER = pathlib.Path(__file__).resolve().parent
FOLDER_HELP = "Rules folder (default: the one the service uses, SOP_RULES_DIR)."
FOLDER_PATH = click.Path(file_okay=False, path_type=pathlib.Path)


def rules_context(parent: Any, folder: pathlib.Path | None) -> dict[str, Any]:
    """The `sop rules` group's ctx.obj: the folder commands work on, and the configured one (the server's)."""
    # the sop entry point may put its configured folder (SOP_RULES_DIR) in ctx.obj["rules_dir"]
    parent = parent if isinstance(parent, dict) else {}
    configured = pathlib.Path(parent.get("configured_rules_dir") or parent.get("rules_dir") or PACKAGE_FOLDER)
    return {**parent, "configured_rules_dir": configured, "rules_dir": pathlib.Path(folder or configured),
            "folder_given": folder}


def _folder_after_command(ctx: click.Context, param: click.Parameter, folder: pathlib.Path | None) -> None:
    """`sop rules check --folder X` means what `sop rules --folder X check` means."""
    obj = ctx.find_object(dict)
    if folder is None or obj is None:  # obj is None when the command runs without its group (a test)
        return
    given = obj.get("folder_given")
    if given is not None and pathlib.Path(given).resolve() != folder.resolve():
        raise click.UsageError(f"--folder is given twice, as {given} and {folder}; give it once")
    obj["rules_dir"] = folder


def folder_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """The group's --folder, accepted after the sub-command too."""
    return click.option("--folder", type=FOLDER_PATH, default=None, expose_value=False,
                        callback=_folder_after_command, help=FOLDER_HELP)(command)


def echo_errors(error: Any) -> None:
    """Each problem of a RulesError on its own line of stderr: file:line: what is wrong."""
    for problem in error.errors:
        click.echo(str(problem), err=True)
