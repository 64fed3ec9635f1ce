"""What the rules folder may hold: UTF-8 rule files named after their rule set, nothing else."""

from __future__ import annotations

import pathlib

import pytest
from click.testing import CliRunner

from rules import LiveRules, RulesError, load_rulebook
from rules.cli import rules_cli

NOT_UTF8 = "the file is not UTF-8 text; save it as UTF-8"


def save_as_latin1(folder: pathlib.Path, file: str, old: str, new: str) -> int:
    """Replace `old` by `new` and save the file the way Windows Notepad's "ANSI" does; the line changed."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("latin-1"))
    return text[: text.index(old)].count("\n") + 1


def test_a_file_saved_as_latin1_is_refused_with_its_line(rules_copy: pathlib.Path) -> None:
    """Input tried: rush.yaml's description given an 'é' and saved in Latin-1 (Notepad "ANSI").

    Before: `sop rules check` ended in a UnicodeDecodeError traceback (reloadRules: INTERNAL)."""
    line = save_as_latin1(rules_copy, "rush.yaml", "Tell rush orders apart", "Tell rush orders apart (café)")
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    assert [str(error) for error in raised.value.errors] == [f"rush.yaml:{line}: {NOT_UTF8}"]


def test_a_reload_of_a_latin1_file_keeps_the_rules_in_force(rules_copy: pathlib.Path) -> None:
    """Input tried: a server's rules folder gets a Latin-1 'ü' in a comment of review.yaml, then a reload."""
    live = LiveRules(rules_copy)
    before = live.current.version
    line = save_as_latin1(rules_copy, "review.yaml", "\n", "\n# geprüft\n")
    with pytest.raises(RulesError) as raised:
        live.reload()
    assert str(raised.value) == f"review.yaml:{line + 1}: {NOT_UTF8}"
    assert live.current.version == before


def test_check_says_which_file_to_save_as_utf8(rules_copy: pathlib.Path) -> None:
    """Input tried: `sop rules check` on the folder and on the file alone, rush.yaml in Latin-1."""
    line = save_as_latin1(rules_copy, "rush.yaml", "Tell rush orders apart", "Tell rush orders apart (café)")
    result = CliRunner().invoke(rules_cli, ["--folder", str(rules_copy), "check"])
    assert (result.exit_code, result.stderr) == (1, f"rush.yaml:{line}: {NOT_UTF8}\n")
    path = str(rules_copy / "rush.yaml")
    result = CliRunner().invoke(rules_cli, ["check", path])
    assert (result.exit_code, result.stderr) == (1, f"{path}:{line}: {NOT_UTF8}\n")


def test_utf8_with_a_byte_order_mark_loads(rules_copy: pathlib.Path) -> None:
    """Input tried: rush.yaml saved as "UTF-8 with BOM" (older Notepad's UTF-8), with an 'é'."""
    path = rules_copy / "rush.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").replace("apart", "apart (café)").encode("utf-8-sig"))
    book = load_rulebook(rules_copy)
    assert book.rush({"customer.tier": "REGULAR", "order.days_to_due": 2, "order.amount": 1.0}).tier == "URGENT"


def test_a_copy_beside_the_rule_files_is_refused_saying_where_copies_go(rules_copy: pathlib.Path) -> None:
    """Input tried: rush_old.yaml (a copy of rush.yaml, as the README's "keep a copy" invited) in the folder.

    Before: "rush_old.yaml:1: rule_set rush belongs in rush.yaml" and "... is also in rush.yaml"."""
    (rules_copy / "rush_old.yaml").write_text((rules_copy / "rush.yaml").read_text())
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    assert [str(error) for error in raised.value.errors] == [
        "rush_old.yaml: not a rule file; this folder holds only review.yaml, rush.yaml, priority.yaml, "
        "capacity_policy.yaml, cost_allocation.yaml, scorecards.yaml. Keep copies outside it or in its "
        "backup/ sub-folder, which is not read"]


def test_a_misspelt_file_name_suggests_the_missing_one(rules_copy: pathlib.Path) -> None:
    """Input tried: review.yaml renamed reveiw.yaml."""
    (rules_copy / "review.yaml").rename(rules_copy / "reveiw.yaml")
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    assert str(raised.value).startswith("reveiw.yaml: not a rule file (did you mean 'review.yaml'?); ")


def test_copies_in_a_backup_sub_folder_and_dot_files_are_not_read(rules_copy: pathlib.Path) -> None:
    """Input tried: backup/rush.yaml broken on purpose, and ._rush.yaml (what macOS leaves on a file share)."""
    (rules_copy / "backup").mkdir()
    (rules_copy / "backup" / "rush.yaml").write_text("rule_set: [unclosed\n")
    (rules_copy / "._rush.yaml").write_bytes(b"\x00\x05\x16\x07\xff")
    assert {info.file for info in load_rulebook(rules_copy).rule_sets} == {
        "review.yaml", "rush.yaml", "priority.yaml", "capacity_policy.yaml", "cost_allocation.yaml", "scorecards.yaml"}


@pytest.mark.parametrize("name", ["rush.yml", "Rush.YAML", "RUSH.yml", "rush.yaml.txt"])
def test_another_spelling_beside_the_rule_file_is_refused_by_name(rules_copy: pathlib.Path, name: str) -> None:
    """Inputs tried: an edited copy of rush.yaml saved as rush.yml, Rush.YAML, ... beside the original.

    Before: rush.yml and Rush.YAML were skipped without a word (the edit looked checked, the old file stayed in
    force) while rush_old.yaml was refused."""
    (rules_copy / name).write_text((rules_copy / "rush.yaml").read_text())
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    assert [str(error) for error in raised.value.errors] == [
        f"{name}: another spelling of rush.yaml, which is also here; only rush.yaml is read. Delete {name} or move "
        "it to the backup/ sub-folder, which is not read"]


@pytest.mark.parametrize("name", ["rush.yml", "Rush.YAML", "rush.yaml.txt"])
def test_a_rule_file_under_another_spelling_alone_is_refused_saying_its_name(rules_copy: pathlib.Path,
                                                                             name: str) -> None:
    """Inputs tried: rush.yaml renamed rush.yml, Rush.YAML (a Windows share) and rush.yaml.txt (Notepad)."""
    (rules_copy / "rush.yaml").rename(rules_copy / name)
    result = CliRunner().invoke(rules_cli, ["--folder", str(rules_copy), "check"])
    assert (result.exit_code, result.stderr) == (
        1, f"{name}: rule files are read only under their exact name: rename {name} to rush.yaml\n")
