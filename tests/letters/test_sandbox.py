"""The template sandbox: a template cannot change what other letters print, and a runaway template is
stopped and reported with its line instead of taking privdesk down."""

from __future__ import annotations

import time

import pytest

from privdesk.domain.letterdata import LetterKind
from privdesk.domain.types import DenialReason
from privdesk.letters import LetterRenderer, sandbox, templating
from privdesk.letters.templating import REASON_WORDS, TemplateError, render_template_text
from tests.letters.pdftext import flat_text
from tests.letters.sample_letters import sample

RENDERER = LetterRenderer()
DATA = sample(LetterKind.DELETION_DENIED)


def _error(source: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render_template_text(source, DATA)
    return caught.value


def test_a_template_cannot_rewrite_the_denial_wording_of_other_letters() -> None:
    words = dict(REASON_WORDS)
    attack = "{% for k in reason_words.keys()|list %}{{ reason_words.update({k: 'HACKED'}) }}{% endfor %}"
    error = _error(attack)
    assert error.line == 1
    assert dict(REASON_WORDS) == words
    text = flat_text(RENDERER.render(DATA))  # a built-in template rendered afterwards
    assert "HACKED" not in text
    assert REASON_WORDS[DenialReason.LEGAL_OBLIGATION] in text


@pytest.mark.parametrize(
    "source",
    [
        "{{ letter.items.append(1) }}",  # a list method that changes it
        "{{ extra.update({'a': 'b'}) }}",
        "{{ extra.__setitem__('a', 'b') }}",
        "{{ org.__class__.__init__.__globals__ }}",
    ],
)
def test_shared_values_are_read_only(source: str) -> None:
    _error(source)


def test_repeating_a_text_a_billion_times_is_refused_before_it_runs() -> None:
    start = time.perf_counter()
    error = _error("Dear reader,\n\n{{ 'x' * 10**9 }}")
    assert time.perf_counter() - start < 2
    assert error.line == 3 and "over 1,000,000 characters" in error.problem


@pytest.mark.parametrize(
    "source",
    [
        "{{ '%999999999s' % 'x' }}",
        "{{ '{:>999999999}'.format('x') }}",
        "{{ 'x'|center(10**9) }}",
        "{{ ('x' * 100000)|replace('x', 'x' * 100000) }}",
        "{{ ('x' * 100000)|list|join('y' * 100000) }}",
        "{{ [[1] * 1000] * 1000 }}",
        "{% set ns = namespace(x='ab') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    ],
)
def test_text_that_would_grow_past_the_limit_is_refused(source: str) -> None:
    start = time.perf_counter()
    error = _error(source)
    assert time.perf_counter() - start < 2
    assert "over 1,000,000 characters" in error.problem


def test_nested_loops_that_print_nothing_are_stopped_with_their_line() -> None:
    source = "Dear reader,\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    start = time.perf_counter()
    error = _error(source)
    assert time.perf_counter() - start < 10
    assert error.line == 2 and "runs too long" in error.problem


def test_a_slow_template_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the clock can stop it: no step or size limit in reach, and the loop writes nothing.
    monkeypatch.setattr(sandbox, "LIMITS", sandbox.RenderLimits(seconds=0.3, steps=10**12, chars=10**12))
    source = (
        "a\nb\n{% for i in range(100000) %}{% for j in range(100000) %}{% if j < 0 %}y{% endif %}"
        "{% endfor %}{% endfor %}"
    )
    start = time.perf_counter()
    error = _error(source)
    assert time.perf_counter() - start < 3
    assert error.line == 3 and "over 0.3 s" in error.problem


def test_output_over_the_size_limit_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "LIMITS", sandbox.RenderLimits(chars=50_000))
    error = _error("Hello\n{% for i in range(100000) %}{{ 'word ' }}{% endfor %}")
    assert error.line == 2 and "over 50,000 characters" in error.problem


def test_recursion_overflow_and_memory_errors_are_template_errors() -> None:
    recursion = _error("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(1) }}")
    assert "RecursionError" in recursion.problem
    overflow = _error("{{ (10 ** 400)|float }}")
    assert "OverflowError" in overflow.problem

    class Greedy:
        def __str__(self) -> str:
            raise MemoryError

    with pytest.raises(TemplateError, match="MemoryError"):
        render_template_text("{{ greedy }}", {"greedy": Greedy()})


def test_every_bundled_template_renders_within_the_limits() -> None:
    for kind in LetterKind:
        blocks = templating.render_bundled(templating.default_template_name(kind, "ccpa"), sample(kind))
        assert blocks
