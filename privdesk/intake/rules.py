"""Detection rules as data: TOML files of weighted regular expressions, loaded and validated.

File format (one file per language, any number of files per directory)::

    language = "en"
    [define]                       # reusable fragments, written {name} inside patterns
    pi = "(?:personal (?:information|data))"
    [[rule]]
    id = "delete.verb_pi"          # unique; a firm file may replace a bundled rule by its id
    suggests = "delete"            # a request type code, "know", "agent", "jurisdiction:US-CA",
                                   # or "not_request:" + newsletter, auto_reply, phishing,
                                   # third_party (vendors, regulators' surveys), internal or other
    weight = 2.0                   # scores add up per code; 1.0 or more makes a suggestion; may be negative
    pattern = '\\bdelete\\b.{0,60}{pi}'
    where = "any"                  # "any" (subject and body), "subject" or "body"
    negatable = true               # skip a match after not/never/no/without in its clause
                                   # (default: true when weight > 0)
    requires = ["colorado"]        # optional: words one of which the text must contain for the rule
                                   # to run at all (a cheap test that keeps slow patterns off most mail)

Patterns are matched case-insensitively against folded text: lower case, accents removed, curly quotes
straightened and every run of whitespace (line breaks included) reduced to one space.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privdesk.domain.errors import RuleFileError
from privdesk.domain.types import RequestType

NOT_REQUEST_KINDS = ("newsletter", "auto_reply", "phishing", "third_party", "internal", "other")
_JURISDICTION = re.compile(r"^(?:[A-Z]{2}|US-[A-Z]{2})$")
_FRAGMENT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_WHERE = ("any", "subject", "body")


@dataclass(frozen=True)
class DetectionRule:
    id: str
    suggests: str
    weight: float
    pattern: re.Pattern[str]
    where: str
    negatable: bool
    source: str  # file the rule came from, for messages
    requires: tuple[str, ...] = ()
    # Derived: literal strings one of which starts every match (see ``triggers``); () when unknown.
    triggers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DetectionRules:
    rules: tuple[DetectionRule, ...]
    threshold: float = 1.0
    # Derived: every trigger and required word of every rule, each looked for once per text.
    words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = {w for rule in self.rules for w in (*rule.triggers, *rule.requires)}
        object.__setattr__(self, "words", frozenset(words))


def valid_code(code: str) -> bool:
    if code in {t.value for t in RequestType} or code in {"know", "agent"}:
        return True
    kind, _, value = code.partition(":")
    if kind == "jurisdiction":
        return bool(_JURISDICTION.match(value))
    if kind == "not_request":
        return value in NOT_REQUEST_KINDS
    return False


def default_rules_dir() -> Path:
    """``resources/detection`` beside the package, inside a frozen bundle, or under PRIVDESK_RESOURCES."""
    override = os.environ.get("PRIVDESK_RESOURCES")
    if override:
        return Path(override) / "detection"
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources" / "detection"
    return Path(__file__).resolve().parent.parent.parent / "resources" / "detection"


def load_detection_rules(directory: Path | None = None, extra: Path | None = None) -> DetectionRules:
    """Bundled rules (or those in ``directory``), merged with a firm's own rule directory ``extra``.

    A rule in ``extra`` with the id of a bundled rule replaces it; ``weight = 0`` switches it off.
    Raises RuleFileError naming the file, the rule and the problem.
    """
    merged: dict[str, DetectionRule] = {}
    for folder in [directory or default_rules_dir(), *([extra] if extra else [])]:
        if not folder.is_dir():
            raise RuleFileError(f"detection rule folder '{folder.name}' does not exist")
        files = sorted(folder.glob("*.toml"))
        if not files and folder is not extra:
            raise RuleFileError(f"detection rule folder '{folder.name}' has no .toml files")
        seen_here: set[str] = set()
        for path in files:
            for rule in _load_file(path):
                if rule.id in seen_here:
                    raise RuleFileError(f"{path.name}: rule '{rule.id}' is defined twice")
                seen_here.add(rule.id)
                merged[rule.id] = rule
    return DetectionRules(rules=tuple(r for r in merged.values() if r.weight != 0))


def _load_file(path: Path) -> list[DetectionRule]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleFileError(f"{path.name}: cannot be read as TOML ({exc})") from exc
    defines = document.get("define", {})
    if not isinstance(defines, dict) or not all(isinstance(v, str) for v in defines.values()):
        raise RuleFileError(f"{path.name}: [define] must map names to pattern strings")
    entries = document.get("rule", [])
    if not isinstance(entries, list):
        raise RuleFileError(f"{path.name}: 'rule' must be an array of tables ([[rule]])")
    return [_rule(path, index, entry, defines) for index, entry in enumerate(entries)]


def _rule(path: Path, index: int, entry: Any, defines: dict[str, str]) -> DetectionRule:
    where_msg = f"{path.name}: rule #{index + 1}"
    if not isinstance(entry, dict):
        raise RuleFileError(f"{where_msg} is not a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleFileError(f"{where_msg} has no 'id'")
    where_msg = f"{path.name}: rule '{rule_id}'"
    unknown = set(entry) - {"id", "suggests", "weight", "pattern", "where", "negatable", "note", "requires"}
    if unknown:
        raise RuleFileError(f"{where_msg} has unknown key(s) {sorted(unknown)}")
    suggests = entry.get("suggests")
    if not isinstance(suggests, str) or not valid_code(suggests):
        raise RuleFileError(f"{where_msg}: 'suggests' = {suggests!r} is not a known code")
    weight = entry.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise RuleFileError(f"{where_msg}: 'weight' must be a number")
    pattern_text = entry.get("pattern")
    if not isinstance(pattern_text, str) or not pattern_text:
        raise RuleFileError(f"{where_msg}: 'pattern' must be a non-empty string")
    where = entry.get("where", "any")
    if where not in _WHERE:
        raise RuleFileError(f"{where_msg}: 'where' must be one of {list(_WHERE)}")
    negatable = entry.get("negatable", weight > 0)
    if not isinstance(negatable, bool):
        raise RuleFileError(f"{where_msg}: 'negatable' must be true or false")
    requires = entry.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(w, str) and w for w in requires):
        raise RuleFileError(f"{where_msg}: 'requires' must be a list of words")
    expanded = _expand(pattern_text, defines, where_msg)
    try:
        compiled = re.compile(expanded, _flags(expanded))
    except re.error as exc:
        raise RuleFileError(f"{where_msg}: pattern is not a valid regular expression ({exc})") from exc
    if compiled.search("") is not None:
        raise RuleFileError(f"{where_msg}: pattern matches empty text")
    return DetectionRule(
        rule_id,
        suggests,
        float(weight),
        compiled,
        where,
        negatable,
        path.name,
        tuple(w.lower() for w in requires),
        triggers(compiled),
    )


_ESCAPE = re.compile(r"\\.")


def _flags(pattern: str) -> int:
    """Folded text is all lower case, so a pattern without an upper-case letter (outside escapes such
    as ``\\W``) matches it the same with or without IGNORECASE; without runs about a sixth faster."""
    literal = _ESCAPE.sub("", pattern)
    return re.IGNORECASE if any(c.isupper() for c in literal) else 0


def _expand(pattern: str, defines: dict[str, str], where_msg: str) -> str:
    for _ in range(5):  # fragments may use fragments, a few levels deep

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in defines:
                raise RuleFileError(f"{where_msg}: pattern uses undefined fragment {{{name}}}")
            return defines[name]

        expanded = _FRAGMENT.sub(substitute, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise RuleFileError(f"{where_msg}: fragments nest too deeply")


# --- triggers: a cheap substring test before a pattern runs ------------------------------------------

_MAX_TRIGGERS = 64
_MIN_TRIGGER = 2
_TRIGGER_LENGTH = 4


def triggers(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Literal strings one of which starts every match of ``pattern`` (lower case), or () when they
    cannot be worked out. Detection skips a rule whose triggers are all absent from the text, which
    spares most rules most of the time: a regular expression tries every position, ``in`` does not."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        found = _prefixes(list(parsed), sre_parse)
    except Exception:
        return ()
    if found is None or not found or any(len(p) < _MIN_TRIGGER for p in found):
        return ()
    return tuple(sorted(found))


def _prefixes(items: list[Any], sre: Any) -> set[str] | None:
    """Prefix strings of a parsed sequence: every match starts with one of them."""
    open_, closed = _walk(items, {""}, sre)
    return _done(open_ | closed)


def _walk(items: list[Any], starts: set[str], sre: Any) -> tuple[set[str], set[str]]:
    """(open, closed) prefixes after ``items`` from ``starts``: open ones are the text of every item so
    far and grow with the next item; closed ones stopped at something that is not a literal."""
    c = sre._constants if hasattr(sre, "_constants") else sre
    open_, closed = set(starts), set()
    for op, arg in items:
        grown: set[str] | None = None
        stopped: set[str] = set()
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # \b, ^, $ and lookarounds take no characters
        if op is c.LITERAL:
            grown = {p + chr(arg).lower() for p in open_}
        elif op is c.IN:
            chars = {chr(value).lower() for kind, value in arg if kind is c.LITERAL}
            if len(chars) == len(arg) and len(chars) <= 4:
                grown = {p + ch for p in open_ for ch in chars}
        elif op is c.SUBPATTERN:
            grown, stopped = _walk(list(arg[-1]), open_, sre)
        elif op is c.BRANCH:
            grown = set()
            for branch in arg[1]:
                more, ended = _walk(list(branch), open_, sre)
                grown |= more
                stopped |= ended
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] == 0 and arg[1] == 1:
            more, stopped = _walk(list(arg[2]), open_, sre)
            grown = open_ | more
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            more, ended = _walk(list(arg[2]), open_, sre)
            # at least one repetition starts with the item's own prefixes; none leaves those before it
            closed |= more | ended | (open_ if arg[0] == 0 else set())
            return set(), closed
        if grown is None:
            return set(), closed | open_
        # A dozen characters tell enough: longer prefixes would only add words to look for.
        long_enough = {p[:_TRIGGER_LENGTH] for p in grown if len(p) >= _TRIGGER_LENGTH}
        grown = {p for p in grown if len(p) < _TRIGGER_LENGTH}
        stopped = {p[:_TRIGGER_LENGTH] for p in stopped} | long_enough
        if len(grown) + len(stopped) + len(closed) > _MAX_TRIGGERS:
            return set(), closed | open_
        open_, closed = grown, closed | stopped
    return open_, closed


def _done(results: set[str]) -> set[str] | None:
    if not results or len(results) > _MAX_TRIGGERS or any(len(r) < _MIN_TRIGGER for r in results):
        return None
    return results
