"""Page 1 of one letter of each kind as a PNG, from the sample letters of the three demo organizations.

    python tools/letter_pngs.py [--out docs/letters] [--dpi 60]

Needs ``pdftoppm`` (apt package poppler-utils). Each kind is saved as ``<kind>.png`` (later pages as
``<kind>-2.png`` ...), so a change to the layout or the wording can be looked at, not only tested.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from privdesk.domain.letterdata import LetterKind
    from privdesk.letters import LetterRenderer
    from tests.letters.sample_letters import sample

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "letters"))
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    renderer = LetterRenderer()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in LetterKind:
            pdf = Path(tmp) / f"{kind.value}.pdf"
            pdf.write_bytes(renderer.render(sample(kind)))
            prefix = Path(tmp) / kind.value
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)], check=True)
            pages = sorted(Path(tmp).glob(f"{kind.value}-*.png"))
            for number, page in enumerate(pages, start=1):
                target = out / (f"{kind.value}.png" if number == 1 else f"{kind.value}-{number}.png")
                target.write_bytes(page.read_bytes())
            print(f"{kind.value}: {len(pages)} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
