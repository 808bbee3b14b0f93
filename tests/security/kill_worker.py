"""Creates cases in a loop until killed: the victim of test_kill.py.

The test forks it (cheap: the parent has imported privdesk already); by hand: python kill_worker.py DB TAG
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from privdesk.services.hub import Services
from tests.security.support import new_case


def create_cases_forever(db: str, tag: str, ready: Callable[[], None]) -> None:
    services = Services.open(db, actor="batch", migrate=False)
    services.cases.create(new_case(f"Batch {tag} 0", f"batch{tag}.0@example.org"))  # warm caches
    ready()
    n = 0
    while True:
        n += 1
        services.cases.create(new_case(f"Batch {tag} {n}", f"batch{tag}.{n}@example.org"))


def main() -> None:
    create_cases_forever(sys.argv[1], sys.argv[2], lambda: print("ready", flush=True))


if __name__ == "__main__":
    main()
