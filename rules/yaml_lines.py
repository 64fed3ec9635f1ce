"""Read YAML keeping the line of every mapping key and list item, so errors can say file:line."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's loader is ~10x faster and keeps the same marks; pure Python when it is not built in
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A list that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain values, LineDicts and LineLists."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(line, f"not valid YAML: {error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise YamlProblem(None, f"not valid YAML: {error}") from error
    if node is None:
        return None
    return _convert(node, yaml.SafeLoader(""))


def _convert(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                # YAML keeps the last duplicate silently; a business user pasting a rule twice must hear of it
                raise YamlProblem(line, f"'{key}' is given twice")
            result[key] = _convert(value_node, loader)
            result.key_lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line = node.start_mark.line + 1
        items.item_lines = []
        for item in node.value:
            items.append(_convert(item, loader))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    return loader.construct_object(node, deep=True)


def line_of(container: Any, key: str | int, default: int | None = None) -> int | None:
    """The line of a key (LineDict) or an index (LineList), else the container's own line."""
    if isinstance(container, LineDict) and isinstance(key, str) and key in container.key_lines:
        return container.key_lines[key]
    if isinstance(container, LineList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default)
