"""The process-wide rules in force, replaced atomically by a reload that passed every check."""

from __future__ import annotations

import pathlib
import threading
from collections.abc import Mapping

from rules.book import RuleBook, load_rulebook, load_rulebook_from_texts


class LiveRules:
    """Holds the RuleBook in force; a failed reload raises RulesError and leaves it in force."""

    def __init__(self, folder: pathlib.Path, files: Mapping[str, str] | None = None) -> None:
        """The folder's rules, or `files` ({'review.yaml': text, ...}, e.g. a stored revision) when given;
        reload() always reads the folder."""
        self.folder = pathlib.Path(folder)
        self._reloading = threading.Lock()
        self._book = load_rulebook_from_texts(files) if files is not None else load_rulebook(self.folder)

    @property
    def current(self) -> RuleBook:
        """Read once per decision and keep it: the version it reports is the one that decided."""
        return self._book

    def reload(self) -> RuleBook:
        """Compile, validate and run examples beside the live book, then swap."""
        with self._reloading:
            return self._swap(load_rulebook(self.folder))

    def reload_from_texts(self, files: Mapping[str, str]) -> RuleBook:
        """Same as reload, for files kept elsewhere (e.g. the database): {'review.yaml': text, ...}."""
        with self._reloading:
            return self._swap(load_rulebook_from_texts(files))

    def _swap(self, book: RuleBook) -> RuleBook:
        # one reference assignment: a reader sees the old book or the new one, never a mix;
        # the old book frees its durable-rules rulesets once the last reader lets go of it
        self._book = book
        return book
