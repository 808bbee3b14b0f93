"""Copy the licence files of privdesk and of every package it runs with into one folder.

    python packaging/collect_licences.py DEST

Walks privdesk's installed requirements (not the test or bundle extras), copies each distribution's
licence files to DEST/<name>/ and writes DEST/README.txt listing each package, its version and its
licence as the package declares it. Python's own licence is added from the running interpreter.
"""

from __future__ import annotations

import re
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|notice|authors)", re.IGNORECASE)
COMMON_LICENCES = Path("/usr/share/common-licenses")


def runtime_closure(root: str) -> list[metadata.Distribution]:
    """``root`` and every distribution it requires, following the extras asked for (psycopg[binary])."""
    seen: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, str]] = set()
    pending: list[tuple[str, str]] = [(root, "")]
    while pending:
        name, extra = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if (key, extra) in done:
            continue
        done.add((key, extra))
        try:
            dist = seen.get(key) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                pending.append((req.name, ""))
                pending.extend((req.name, wanted) for wanted in req.extras)
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return "; ".join(classifiers)
    return (meta.get("License") or "see the files").splitlines()[0][:100]


def main(dest: Path) -> int:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    lines = ["Licences of privdesk and of the packages bundled with it.", ""]
    for dist in runtime_closure("privdesk"):
        name = dist.metadata["Name"]
        copied = 0
        for file in dist.files or []:
            in_metadata = any(part.endswith(".dist-info") for part in file.parts[:-1])
            source = Path(str(dist.locate_file(file)))
            if in_metadata and LICENCE_FILE.search(file.name) and source.is_file():
                (dest / name).mkdir(exist_ok=True)
                shutil.copyfile(source, dest / name / file.name)
                copied += 1
        if not copied and "LGPL-3.0" in licence_of(dist):
            # Qt for Python's wheels carry no licence file: the texts from the build machine's system.
            for text in ("LGPL-3", "GPL-3"):
                common = COMMON_LICENCES / text
                if common.is_file():
                    (dest / name).mkdir(exist_ok=True)
                    shutil.copyfile(common, dest / name / text)
                    copied += 1
        lines.append(f"{name} {dist.version}: {licence_of(dist)}" + ("" if copied else " (no licence file)"))
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        (dest / "Python").mkdir()
        shutil.copyfile(python_licence, dest / "Python" / "LICENSE.txt")
    lines.append(f"Python {sys.version.split()[0]}: PSF-2.0")
    (dest / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
