"""The sealed template sandbox against Jinja's plain sandbox, rendering every built-in letter kind.

Run as a script (``python tests/benchmarks/bench_template_sandbox.py [rounds]``) or with
``pytest -m benchmark tests/benchmarks/bench_template_sandbox.py``. Both sides render the same
templates with the same context, filters and finalize in the same run; the ratio is printed.
Target: the limits (loop, call and size checks, output gathered piece by piece) cost at most 1.5×.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

if __name__ == "__main__":  # make the repository importable when run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from privdesk.domain.letterdata import LetterKind
from privdesk.letters import templating
from privdesk.letters.resources import templates_dir
from tests.letters.sample_letters import sample

TARGET_RATIO = 1.5


def measure(rounds: int = 30) -> tuple[float, float]:
    """Milliseconds per letter: (plain sandbox, sealed sandbox), best of alternating runs."""
    sealed = templating.environment()
    plain = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=sealed.finalize,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # as the sealed one: no file checks on each get_template
        cache_size=200,
    )
    plain.filters.update({k: getattr(v, "__wrapped__", v) for k, v in sealed.filters.items()})
    letters = []
    for kind in LetterKind:
        data = sample(kind)
        name = templating.default_template_name(kind, data.jurisdiction_family)
        letters.append((name, templating.template_context(data), data.jurisdiction_family))

    def plain_run() -> float:
        start = time.perf_counter()
        for name, context, _ in letters:
            plain.get_template(name).render(context)
        return time.perf_counter() - start

    def sealed_run() -> float:
        start = time.perf_counter()
        for name, context, family in letters:
            templating.render_source(sealed.get_template(name), context, family)
        return time.perf_counter() - start

    plain_run(), sealed_run()  # compile and warm the caches
    best_plain = best_sealed = float("inf")
    for _ in range(rounds):
        best_plain = min(best_plain, plain_run())
        best_sealed = min(best_sealed, sealed_run())
    count = len(letters)
    return best_plain / count * 1000, best_sealed / count * 1000


def report(rounds: int = 30) -> float:
    plain_ms, sealed_ms = measure(rounds)
    ratio = sealed_ms / plain_ms
    print(
        f"\ntemplate render, {len(LetterKind)} kinds: plain sandbox {plain_ms:.3f} ms/letter, "
        f"sealed {sealed_ms:.3f} ms/letter, ratio {ratio:.2f} (target <= {TARGET_RATIO})"
    )
    return ratio


@pytest.mark.benchmark
def test_the_sealed_sandbox_costs_little_over_the_plain_one() -> None:
    assert report() <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if report(int(sys.argv[1]) if len(sys.argv) > 1 else 30) <= TARGET_RATIO else 1)
