"""A RuleBook: every rule file checked, compiled and its examples passed, or nothing at all."""

from __future__ import annotations

import hashlib
import pathlib
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from rules import views
from rules.compiled import CompiledRuleSet, flatten_facts
from rules.errors import RuleFileError, RulesError, did_you_mean
from rules.examples import OUTCOMES, ExampleResult, run_examples
from rules.model import Evaluation, RuleInfo, RuleSetInfo
from rules.spec import RuleSetSpec, read_rule_file

RULE_SETS = ("review", "rush", "priority", "capacity_policy", "cost_allocation", "scorecards")


def content_hash(texts: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return digest.hexdigest()[:12]


def read_folder(folder: pathlib.Path) -> dict[str, str]:
    if not folder.is_dir():
        raise RulesError([RuleFileError(str(folder), None, None, "rules folder not found")])
    texts, errors = {}, []
    known = [f"{name}.yaml" for name in RULE_SETS]
    # dot files are editors' and file shares' own (.#rush.yaml, ._rush.yaml); sub-folders are not read
    paths = [path for path in sorted(folder.iterdir())
             if path.is_file() and not path.name.startswith(".") and _looks_like_yaml(path.name)]
    names = {path.name for path in paths}
    for path in paths:
        if path.name not in known:
            errors.append(RuleFileError(path.name, None, None, _not_a_rule_file(path.name, names, known, folder)))
            continue
        try:
            texts[path.name] = read_rule_text(path, path.name)
        except RulesError as error:
            errors.extend(error.errors)
    if errors:
        raise RulesError(errors)
    return texts


# What Windows and editors make of "rush.yaml": .yml, capitals, and Notepad's hidden ".txt"
_YAML_ENDINGS = (".yaml", ".yml", ".yaml.txt", ".yml.txt")


def _looks_like_yaml(name: str) -> bool:
    return name.lower().endswith(_YAML_ENDINGS)


def _spelled_as(name: str) -> str:
    """The rule file name `name` is another spelling of: Rush.YML and rush.yaml.txt -> rush.yaml."""
    lower = name.lower().removesuffix(".txt")
    return lower.removesuffix(".yml") + ".yaml" if lower.endswith(".yml") else lower


def _not_a_rule_file(name: str, names: set[str], known: list[str], folder: pathlib.Path) -> str:
    # Every YAML-looking file is refused by name, never skipped: a skipped Rush.YAML looked like an edit
    # that had been checked, while the old rush.yaml stayed in force.
    meant = _spelled_as(name)
    if meant in known and meant in names:
        return (f"another spelling of {meant}, which is also here; only {meant} is read. Delete {name} or move "
                "it to the backup/ sub-folder, which is not read")
    if meant in known:
        return f"rule files are read only under their exact name: rename {name} to {meant}"
    missing = [file for file in known if not (folder / file).is_file()]
    return (f"not a rule file{did_you_mean(name, missing)}; this folder holds only {', '.join(known)}. "
            "Keep copies outside it or in its backup/ sub-folder, which is not read")


def read_rule_text(path: pathlib.Path, file: str) -> str:
    """The text of a rule file; RulesError naming the line when it is not UTF-8 (Notepad's "ANSI", Latin-1)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RulesError([RuleFileError(file, line, None, "the file is not UTF-8 text; save it as UTF-8")]) from None


def compile_files(texts: Mapping[str, str]) -> tuple[dict[str, CompiledRuleSet], list[RuleFileError],
                                                     list[ExampleResult]]:
    """Check, compile and run the examples of each file on its own (what `sop rules check` does)."""
    compiled: dict[str, CompiledRuleSet] = {}
    errors: list[RuleFileError] = []
    results: list[ExampleResult] = []
    for file, text in sorted(texts.items()):
        spec, file_errors = read_rule_file(file, text)
        if spec is None:
            errors.extend(file_errors)
            continue
        errors.extend(_check_spec(spec, compiled))
        rule_set = CompiledRuleSet(spec, hashlib.sha256(text.encode()).hexdigest()[:12])
        file_results = run_examples(rule_set)
        results.extend(file_results)
        errors.extend(result.as_error() for result in file_results if not result.passed)
        compiled.setdefault(spec.name, rule_set)
    return compiled, errors, results


def _check_spec(spec: RuleSetSpec, seen: Mapping[str, CompiledRuleSet]) -> list[RuleFileError]:
    errors = []
    if pathlib.PurePath(spec.file).name != f"{spec.name}.yaml":
        errors.append(RuleFileError(spec.file, 1, None, f"rule_set {spec.name} belongs in {spec.name}.yaml"))
    if spec.name in seen:
        errors.append(RuleFileError(spec.file, 1, None, f"rule_set {spec.name} is also in {seen[spec.name].spec.file}"))
    return errors


def _check_together(compiled: Mapping[str, CompiledRuleSet]) -> list[RuleFileError]:
    errors = [RuleFileError(f"{name}.yaml", None, None, f"rule file missing (rule_set {name})")
              for name in RULE_SETS if name not in compiled]
    if errors:
        return errors
    rush_tiers = _action_values(compiled["rush"], "mark_rush", "tier")
    priority_tiers = _action_values(compiled["priority"], "set_priority", "tier")
    for rule in compiled["capacity_policy"].spec.rules:
        for call in rule.actions:
            if call.name != "displacement":
                continue
            if call.params["rush_tier"] not in rush_tiers:
                errors.append(RuleFileError("capacity_policy.yaml", rule.line, rule.id,
                                            f"rush tier {call.params['rush_tier']} is not a tier of rush.yaml "
                                            f"({', '.join(sorted(rush_tiers))})"))
            for tier in (*call.params["may_move"], *call.params["may_split"], *call.params.get("negotiate", ())):
                if tier not in priority_tiers:
                    errors.append(RuleFileError("capacity_policy.yaml", rule.line, rule.id,
                                                f"priority tier {tier} is not a tier of priority.yaml "
                                                f"({', '.join(sorted(priority_tiers))})"))
    return errors


def _action_values(compiled: CompiledRuleSet, action: str, param: str) -> set[str]:
    return {call.params[param] for rule in compiled.spec.rules for call in rule.actions if call.name == action}


def load_rulebook_from_texts(texts: Mapping[str, str]) -> RuleBook:
    """Compile, validate and run the examples of all files; raises RulesError and never half-loads."""
    compiled, errors, _ = compile_files(texts)
    errors = errors or _check_together(compiled)
    if errors:
        for rule_set in compiled.values():
            rule_set.close()
        raise RulesError(errors)
    return RuleBook(compiled, content_hash(texts), dict(texts))


def load_rulebook(folder: pathlib.Path) -> RuleBook:
    return load_rulebook_from_texts(read_folder(pathlib.Path(folder)))


class RuleBook:
    """The rules in force; evaluate through durable-rules, read through typed views."""

    def __init__(self, compiled: dict[str, CompiledRuleSet], version: str, texts: dict[str, str]) -> None:
        self._compiled = compiled
        self.version = version
        self.texts = texts  # file name -> YAML text, e.g. to store what a decision was made with
        self.rule_sets = [
            RuleSetInfo(c.name, c.version, c.spec.file, [RuleInfo(r.id, r.description, r.priority)
                                                          for r in c.spec.rules])
            for c in compiled.values()
        ]

    def compiled(self, rule_set: str) -> CompiledRuleSet:
        try:
            return self._compiled[rule_set]
        except KeyError:
            raise KeyError(f"no rule set {rule_set!r}; loaded: {', '.join(self._compiled)}") from None

    def evaluate(self, rule_set: str, facts: Mapping[str, Any]) -> Evaluation:
        """facts: dotted names ({'order.amount': 120000.0}) or nested ({'order': {'amount': ...}})."""
        return self.compiled(rule_set).evaluate(facts)

    def outcome(self, rule_set: str, facts: Mapping[str, Any]) -> Any:
        return OUTCOMES[rule_set](self.evaluate(rule_set, facts), flatten_facts(facts))

    def review(self, facts: Mapping[str, Any]) -> views.ReviewOutcome:
        return views.review_outcome(self.evaluate("review", facts))

    def rush(self, facts: Mapping[str, Any]) -> views.RushOutcome:
        return views.rush_outcome(self.evaluate("rush", facts))

    def priority(self, facts: Mapping[str, Any]) -> views.PriorityOutcome:
        margin = flatten_facts(facts).get("margin.pct")
        return views.priority_outcome(self.evaluate("priority", facts), margin)

    def cost_allocation(self, facts: Mapping[str, Any]) -> views.CostAllocation:
        return views.cost_allocation(self.evaluate("cost_allocation", facts))

    @cached_property
    def _capacity_policy(self) -> views.CapacityPolicy:
        return views.capacity_policy(self.evaluate("capacity_policy", {}))

    def capacity_policy(self) -> views.CapacityPolicy:
        return self._capacity_policy

    @cached_property
    def _scorecards(self) -> views.ScorecardPolicy:
        return views.scorecard_policy(self.evaluate("scorecards", {}))

    def scorecards(self) -> views.ScorecardPolicy:
        return self._scorecards

    def close(self) -> None:
        """Free the durable-rules rulesets now; also happens by itself once the book is unreferenced."""
        for rule_set in self._compiled.values():
            rule_set.close()
