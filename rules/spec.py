"""One rule file read into a checked RuleSetSpec, or the list of its problems with file:line."""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field
from typing import Any

from rules.actions import ACTIONS, check_action
from rules.conditions import Condition, ConditionProblem, fields_of, normalize, parse_condition
from rules.errors import RuleFileError, did_you_mean
from rules.file_checks import ALWAYS_APPLY, whole_file_problems
from rules.vocabulary import FIELDS, not_finite
from rules.yaml_lines import LineDict, LineList, YamlProblem, line_of, load_yaml


@dataclass(frozen=True)
class ActionCall:
    name: str
    params: dict[str, Any]
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RuleSpec:
    id: str
    description: str
    priority: int
    condition: Condition  # normalized: no Not left
    actions: tuple[ActionCall, ...]
    line: int | None


@dataclass(frozen=True)
class ExampleSpec:
    name: str
    facts: dict[str, Any]
    expect: dict[str, Any]
    line: int | None


@dataclass(frozen=True)
class RuleSetSpec:
    name: str
    file: str
    description: str
    rules: tuple[RuleSpec, ...]
    examples: tuple[ExampleSpec, ...]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset().union(*(fields_of(rule.condition) for rule in self.rules))


_TOP_KEYS = ("rule_set", "description", "rules", "example_facts", "examples")
_RULE_KEYS = ("id", "description", "priority", "when", "then")
_EXAMPLE_KEYS = ("name", "facts", "expect")
_RULE_ID = re.compile(r"^[A-Z][A-Z0-9_-]*$")


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RuleFileError] = []

    def add(self, line: int | None, message: str, rule_id: str | None = None) -> None:
        self.errors.append(RuleFileError(self.file, line, rule_id, message))

    def unknown_keys(self, mapping: LineDict, allowed: tuple[str, ...], what: str, rule_id: str | None = None) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(line_of(mapping, key), f"unknown {what} key '{key}'{did_you_mean(key, allowed)}", rule_id)


def read_rule_file(file: str, text: str) -> tuple[RuleSetSpec | None, list[RuleFileError]]:
    """Parse and check one file; the spec is None whenever any error was found."""
    out = _Collector(file)
    try:
        document = load_yaml(text)
    except YamlProblem as problem:
        out.add(problem.line, problem.message)
        return None, out.errors
    if not isinstance(document, LineDict):
        out.add(1, "a rule file is a mapping with rule_set, description, rules and examples")
        return None, out.errors
    out.unknown_keys(document, _TOP_KEYS, "top-level")
    name = _read_rule_set_name(out, document)
    if name is None:
        return None, out.errors
    rules = _read_rules(out, name, document)
    if not out.errors:
        for line, rule_id, message in whole_file_problems(name, rules, line_of(document, "rules")):
            out.add(line, message, rule_id)
    examples = _read_examples(out, document)
    if out.errors:
        return None, out.errors
    spec = RuleSetSpec(name, file, str(document.get("description", "")), tuple(rules), tuple(examples))
    return spec, []


def _read_rule_set_name(out: _Collector, document: LineDict) -> str | None:
    name = document.get("rule_set")
    line = line_of(document, "rule_set")
    # a file named after a rule set holds that one: say so before its actions all look unknown
    stem = pathlib.PurePath(out.file).stem
    held = stem if stem in ACTIONS else None
    if name is None:
        write = f"'rule_set: {held}'" if held else f"'rule_set: NAME' (NAME one of {', '.join(ACTIONS)})"
        out.add(line, f"'rule_set' is missing; start the file with {write}")
    elif name not in ACTIONS:
        out.add(line, f"rule_set must be one of {', '.join(ACTIONS)}, got {name!r}"
                + (did_you_mean(name, ACTIONS) if isinstance(name, str) else ""))
    elif held and name != held:
        out.add(line, f"rule_set is '{name}' but this file holds the '{held}' rule set; write 'rule_set: {held}', "
                      f"or put these rules in {name}.yaml")
    else:
        return str(name)
    return None


def _read_rules(out: _Collector, rule_set: str, document: LineDict) -> list[RuleSpec]:
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, LineList) or not raw_rules:
        out.add(line_of(document, "rules"), "'rules' must be a non-empty list of rules")
        return []
    rules, seen = [], set()
    for index, raw in enumerate(raw_rules):
        line = line_of(raw_rules, index)
        if not isinstance(raw, LineDict):
            out.add(line, "each rule is a mapping with id, description, when, then")
            continue
        rule_id = raw.get("id")
        if rule_id is None:
            out.add(line, "'id' is missing; give the rule an id in capitals, digits and dashes, like MARGIN-KEY")
            continue
        if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
            out.add(line, f"rule id must be capitals, digits and dashes like MARGIN-KEY, got {rule_id!r}")
            continue
        if rule_id in seen:
            out.add(line, "rule id is used twice", rule_id)
        seen.add(rule_id)
        out.unknown_keys(raw, _RULE_KEYS, "rule", rule_id)
        rule = _read_rule(out, rule_set, rule_id, raw, line)
        if rule:
            rules.append(rule)
    return rules


def _read_rule(out: _Collector, rule_set: str, rule_id: str, raw: LineDict, line: int | None) -> RuleSpec | None:
    errors_before = len(out.errors)
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        out.add(line, "needs a description (one sentence a planner understands)", rule_id)
    priority = raw.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        out.add(line_of(raw, "priority"), f"priority must be a whole number, got {priority!r}", rule_id)
    condition: Condition | None = None
    if rule_set in ALWAYS_APPLY and raw.get("when") not in (None, "always"):
        out.add(line_of(raw, "when"), f"{rule_set} rules always apply: leave out 'when' ({rule_set} is read "
                "without any order's facts, so a condition could never be tested)", rule_id)
    try:
        condition = normalize(parse_condition(raw.get("when"), line_of(raw, "when")))
    except ConditionProblem as problem:
        out.add(problem.line or line_of(raw, "when"), problem.message, rule_id)
    actions = []
    then = raw.get("then")
    if not isinstance(then, LineList) or not then:
        out.add(line_of(raw, "then", line), "'then' must list at least one action", rule_id)
        then = LineList()
    for index, item in enumerate(then):
        item_line = line_of(then, index)
        if not isinstance(item, LineDict) or len(item) != 1:
            out.add(item_line, "each action is one 'name: {parameters}' entry", rule_id)
            continue
        (name, params_raw), = item.items()
        params, problems = check_action(rule_set, name, params_raw)
        for message in problems:
            out.add(item_line, message, rule_id)
        actions.append(ActionCall(name, params, item_line))
    if len(out.errors) > errors_before or condition is None:
        return None
    return RuleSpec(rule_id, str(description).strip(), int(priority), condition, tuple(actions), line)


def _read_examples(out: _Collector, document: LineDict) -> list[ExampleSpec]:
    shared = document.get("example_facts", {})
    if not isinstance(shared, dict):
        out.add(line_of(document, "example_facts"), "example_facts must be a mapping of field: value")
        shared = {}
    _check_fact_names(out, shared, line_of(document, "example_facts"))
    raw_examples = document.get("examples")
    if not isinstance(raw_examples, LineList) or not raw_examples:
        out.add(line_of(document, "examples", 1), "'examples' must list at least one example; "
                "examples run on every load and keep a broken file out")
        return []
    examples = []
    for index, raw in enumerate(raw_examples):
        line = line_of(raw_examples, index)
        if not isinstance(raw, LineDict) or not isinstance(raw.get("expect"), dict):
            out.add(line, "each example has a name, facts and expect")
            continue
        out.unknown_keys(raw, _EXAMPLE_KEYS, "example")
        facts = raw.get("facts") or {}
        if not isinstance(facts, dict):
            out.add(line_of(raw, "facts"), "example facts must be a mapping of field: value")
            continue
        _check_fact_names(out, facts, line_of(raw, "facts"))
        name = str(raw.get("name", f"example {index + 1}"))
        examples.append(ExampleSpec(name, {**shared, **facts}, dict(raw["expect"]), line))
    return examples


def _check_fact_names(out: _Collector, facts: dict[str, Any], line: int | None) -> None:
    for key, value in facts.items():
        if key not in FIELDS:
            out.add(line_of(facts, key, line), f"unknown field '{key}'{did_you_mean(key, FIELDS)}")
        elif not_finite(value):
            out.add(line_of(facts, key, line), f"{key} needs a plain number, got {not_finite(value)}")
