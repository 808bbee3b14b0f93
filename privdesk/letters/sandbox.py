"""The sealed environment letter templates run in, and the limits on what one render may cost.

Templates can be edited by administrators and previewed, so a template is untrusted code. It runs in
Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` (no Python internals, no method that
changes a list, dict or set), over read-only copies of every value it is given
(:func:`read_only`), and every render is bounded:

- **time**: ``LIMITS.seconds`` of wall time (default 5 s);
- **steps**: ``LIMITS.steps`` loop passes, calls, filters and operators (default 2,000,000;
  a letter takes a few thousand);
- **size**: ``LIMITS.chars`` characters of output, and of any one string, list or join built on
  the way (default 1,000,000; a letter is about 10,000). An operation whose result would be larger
  is refused *before* it runs: ``'x' * 10**9``, ``'%999999999s'``, ``center(10**9)``, a replace or
  a join that would multiply a text, a list repeated into a billion elements.

A template that breaks a limit is stopped and reported as a ``TemplateError`` naming its line; so are
``OverflowError``, ``RecursionError`` and ``MemoryError``. Every ``{% for %}`` is instrumented (the
iterable is wrapped by the ``_bounded_iter`` filter) and every ``~`` concatenation is checked, so a
loop that prints nothing is still stopped.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = [
    "LIMITS",
    "LetterSandbox",
    "RenderLimitExceeded",
    "RenderLimits",
    "bounded_render",
    "read_only",
]


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = 5.0
    steps: int = 2_000_000
    chars: int = 1_000_000


LIMITS = RenderLimits()  # tests may replace it (monkeypatch) with tighter limits


class RenderLimitExceeded(Exception):
    """A template went over a render limit; raised inside the template so its line is known."""


class _Budget:
    __slots__ = ("chars", "deadline", "limits", "steps")

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.steps = 0
        self.chars = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise RenderLimitExceeded(
                f"the template runs too long (over {self.limits.steps:,} steps): check its loops"
            )
        if not self.steps & 0x3FF and time.monotonic() > self.deadline:
            self.out_of_time()

    def out_of_time(self) -> None:
        raise RenderLimitExceeded(
            f"the template runs too long (over {self.limits.seconds:g} s): check its loops"
        )


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("letter_budget", default=None)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def _max_chars() -> int:
    budget = _budget.get()
    return budget.limits.chars if budget is not None else LIMITS.chars


def _too_big(what: str) -> RenderLimitExceeded:
    return RenderLimitExceeded(f"{what} would be over {_max_chars():,} characters")


def _weight(value: Any, cap: int) -> int:
    """How many characters or elements printing ``value`` would produce, counting nested
    containers (shared ones each time they appear); stops counting past ``cap``."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, Mapping):
        items: Iterable[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        return 1
    total = 1
    for item in items:
        total += _weight(item, cap - total)
        if total > cap:
            break
    return total


def _check_size(value: Any, what: str = "a value") -> Any:
    limit = _max_chars()
    if isinstance(value, str):  # the common case, and Markup: no need to walk anything
        if len(value) > limit:
            raise _too_big(what)
        return value
    if (
        isinstance(value, str | bytes | list | tuple | dict | set | frozenset)
        and _weight(value, limit) > limit
    ):
        raise _too_big(what)
    return value


_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format spec


def _check_format_spec(text: str) -> None:
    if _WIDTH.search(text):
        raise _too_big("the formatted text")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        repeats = isinstance(seq, str | bytes | list | tuple) and isinstance(times, int) and times > 0
        if repeats and _weight(seq, _max_chars()) * times > _max_chars():
            raise _too_big("the repeated value")


def _check_power(left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
    if ints and right * max(abs(left).bit_length(), 1) > 100_000:
        raise RenderLimitExceeded("the number would be too large to print")


def _check_int_product(left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool)
    if ints and left.bit_length() + abs(right).bit_length() > 100_000:
        raise RenderLimitExceeded("the number would be too large to print")


def _check_width(value: Any, width: Any, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and width > _max_chars():
        raise _too_big(what)
    indent = isinstance(width, str) and isinstance(value, str)  # indent(width="...")
    if indent and (value.count("\n") + 1) * len(width) > _max_chars():
        raise _too_big(what)


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        hits = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            hits = min(hits, count)
        if len(text) + hits * len(new) > _max_chars():
            raise _too_big("the replaced text")


def _check_join(values: Any, separator: Any = "") -> None:
    if isinstance(values, list | tuple) and isinstance(separator, str):
        limit = _max_chars()
        total = len(separator) * max(len(values) - 1, 0)
        for value in values:
            total += _weight(value, limit) if isinstance(value, str | list | tuple) else 1
            if total > limit:
                raise _too_big("the joined text")


# Methods and filters that can make a result much larger than their inputs, and how each is checked.
def _check_str_method(name: str, text: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_width(text, args[0], "the padded text")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and text.count("\t") * size + len(text) > _max_chars():
            raise _too_big("the expanded text")
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    elif name == "join" and args:
        _check_join(list(args[0]) if not isinstance(args[0], list | tuple) else args[0], text)
    elif name in ("format", "format_map"):
        _check_format_spec(text)


def _check_filter(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    value = args[0] if args else None
    rest = args[1:]
    if name == "center":
        _check_width(value, rest[0] if rest else kwargs.get("width", 80), "the centred text")
    elif name == "indent":
        _check_width(value, rest[0] if rest else kwargs.get("width", 4), "the indented text")
    elif name == "replace" and len(rest) >= 2:
        _check_replace(value, rest[0], rest[1], rest[2] if len(rest) > 2 else kwargs.get("count", -1))
    elif name in ("join",):
        separator = rest[0] if rest else kwargs.get("d", kwargs.get("separator", ""))
        if isinstance(value, list | tuple):
            _check_join(value, separator if isinstance(separator, str) else "")
    elif name == "format" and isinstance(value, str):
        _check_format_spec(value)
        for arg in rest:
            _check_width("", arg, "the formatted text")
    elif name in ("truncate", "wordwrap", "batch", "slice"):
        for arg in rest:
            _check_width("", arg, "the result")


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    if getattr(func, "_privdesk_guarded", False):
        return func

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        plain = [a for a in args if not isinstance(a, Context | EvalContext | jinja2.Environment)]
        _check_filter(name, tuple(plain), kwargs)
        return _check_size(func(*args, **kwargs), f"the result of the {name} filter")

    guarded._privdesk_guarded = True  # type: ignore[attr-defined]
    return guarded


def _bounded_iter(iterable: Any) -> Iterator[Any]:
    """Every pass of a template's ``{% for %}`` goes through here and costs a step."""
    budget = _budget.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.tick()
        yield item


def _bounded_text(value: Any) -> Any:
    return _check_size(value, "the joined text")


class LetterSandbox(ImmutableSandboxedEnvironment):
    """The letter templates' environment: immutable sandbox, instrumented loops, checked sizes."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["_bounded_iter"] = _bounded_iter
        self.filters["_bounded_text"] = _bounded_text

    def seal(self) -> LetterSandbox:
        """Guard every filter registered so far (call after adding the letter filters)."""
        for name, func in list(self.filters.items()):
            if name not in ("_bounded_iter", "_bounded_text"):
                self.filters[name] = _guard_filter(name, func)
        return self

    # -- the hooks the sandbox calls -------------------------------------------------------------
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_bounded_iter", [], [], None, None, lineno=loop.lineno)
        for concat in list(tree.find_all(nodes.Concat)):
            _wrap_concat(tree, concat)
        return tree

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            _check_repeat(left, right)
            _check_int_product(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_format_spec(left)
            if "*" in left:
                for arg in right if isinstance(right, tuple) else (right,):
                    _check_width("", arg, "the formatted text")
        result = super().call_binop(context, operator, left, right)
        return _check_size(result, "the result") if operator in ("+", "*", "%") else result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(getattr(__obj, "__name__", ""), owner, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if inspect.isgenerator(result):
            return result
        return _check_size(result, "the result")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:  # ``'{:>999999999}'.format(x)``: refused before it runs
            _check_format_spec(value.__self__)
        return wrapped


def _wrap_concat(tree: nodes.Node, target: nodes.Concat) -> None:
    """Replace ``target`` in its parent with ``target|_bounded_text``."""
    for parent in tree.find_all(nodes.Node):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if value is target:
                setattr(parent, field, nodes.Filter(target, "_bounded_text", [], [], None, None))
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is target:
                        value[index] = nodes.Filter(target, "_bounded_text", [], [], None, None)
                        return


def read_only(value: Any) -> Any:
    """A copy a template cannot change: dicts become read-only mappings, lists tuples, sets frozen,
    recursively. Other values (strings, numbers, frozen dataclasses) are returned as they are."""
    if isinstance(value, MappingProxyType):
        return MappingProxyType({k: read_only(v) for k, v in value.items()})
    if isinstance(value, dict):
        return MappingProxyType({k: read_only(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(read_only(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(read_only(v) for v in value)
    return value


def bounded_render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render under ``LIMITS``: the output is gathered piece by piece, and a template over a limit
    is stopped inside itself (so the error carries the template's line). Loops, calls and filters
    count the steps and read the clock; the pieces count the characters."""
    limits = LIMITS
    token = _budget.set(_Budget(limits))
    try:
        # What ``Template.generate`` does, without its extra generator layer.
        stream = cast(
            Generator[str, None, None], template.root_render_func(template.new_context(dict(context)))
        )
        pieces: list[str] = []
        append = pieces.append
        chars, most = 0, limits.chars
        try:
            for piece in stream:
                append(piece)
                chars += len(piece)
                if chars > most:
                    stream.throw(RenderLimitExceeded(f"the letter would be over {most:,} characters"))
        except Exception:
            template.environment.handle_exception()  # re-raises with the template's lines
        return "".join(pieces)
    finally:
        _budget.reset(token)
