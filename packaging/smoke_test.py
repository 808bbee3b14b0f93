"""Smoke test of a built privdesk: the frozen bundle, or the command an installed package puts on the PATH.

    python packaging/smoke_test.py --exe dist/privdesk/privdesk [--compare-source] [--shots DIR]
    python packaging/smoke_test.py [--root TREE] --desktop-entry /usr/share/applications/NAME.desktop

Runs, each in a fresh home folder: ``--version`` (must print pyproject's version), ``seed-demo``,
``letter render`` (the PDF's text must name the case's consumer), ``check-db``, then the desktop app
under its own Xvfb server until the window reports it is ready, and checks a screenshot of the screen
for content. With ``--desktop-entry`` the GUI is started with the command of the entry's "demo"
action (``privdesk --demo``), as the menu would. With ``--root``, privdesk runs inside a Debian tree
where the package was installed (packaging/try-deb-fresh-debian); the X server stays outside and is
reached through its abstract socket. ``--compare-source`` also times ``python -m privdesk`` from this
checkout and prints bundle size and start-up time beside the source install's.

Run it with the project's virtual environment (it uses PySide6 for the screenshot, pypdf for the PDF);
it needs ``Xvfb`` (Debian package xvfb). Exits non-zero with the reason on the first failure.
"""

from __future__ import annotations

import argparse
import configparser
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_LINE = "start-up: the window was ready"


class SmokeFailure(Exception):
    pass


# With --root, every privdesk command runs inside that Debian tree (``chroot``): paths in the
# environment and on the command line are the tree's own; host() finds them from outside.
ROOTFS: Path | None = None


def host(path: str | Path) -> Path:
    return ROOTFS / str(path).lstrip("/") if ROOTFS else Path(path)


def launch(command: list[str]) -> list[str]:
    return [shutil.which("chroot") or "/usr/sbin/chroot", str(ROOTFS), *command] if ROOTFS else command


def fresh_home() -> dict[str, str]:
    if ROOTFS:
        home = Path("/") / Path(tempfile.mkdtemp(prefix="privdesk-smoke-", dir=ROOTFS / "tmp")).relative_to(
            ROOTFS
        )
    else:
        home = Path(tempfile.mkdtemp(prefix="privdesk-smoke-"))
    env = dict(os.environ)
    if ROOTFS:
        env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
    )
    for name in ("PRIVDESK_DB", "PRIVDESK_USER", "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


def run(command: list[str], env: dict[str, str], *, expect: str | None = None, timeout: float = 180) -> str:
    started = time.perf_counter()
    proc = subprocess.run(launch(command), env=env, capture_output=True, text=True, timeout=timeout)
    took = time.perf_counter() - started
    shown = " ".join(shlex.quote(part) for part in command)
    if proc.returncode != 0:
        raise SmokeFailure(
            f"{shown} exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-2000:]}"
        )
    if expect is not None and expect not in proc.stdout:
        raise SmokeFailure(f"{shown} printed {proc.stdout.strip()[:500]!r}, without {expect!r}")
    print(
        f"ok   {shown}  ({took:.2f} s): {proc.stdout.strip().splitlines()[-1][:100] if proc.stdout else ''}"
    )
    return proc.stdout


def command_line_checks(exe: list[str]) -> None:
    env = fresh_home()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = run([*exe, "--version"], env)
    if out.strip() != version:
        raise SmokeFailure(f"--version printed {out.strip()!r}, pyproject says {version}")
    # A new database is encrypted with SQLCipher; with no keyring here, the key comes from a passphrase.
    env["PRIVDESK_PASSPHRASE"] = "smoke-test passphrase"
    db = Path(env["HOME"]) / "smoke.db"
    run([*exe, "--db", str(db), "seed-demo"], env, expect="loaded 3 organizations")
    if host(db).read_bytes()[:16] == b"SQLite format 3\x00":
        raise SmokeFailure(f"{db} was created unencrypted")
    print("ok   the new database is encrypted (no SQLite header)")
    import json

    case = json.loads(run([*exe, "--db", str(db), "case", "show", "PD-2026-000001", "--json"], env))
    pdf = Path(env["HOME"]) / "letter.pdf"
    run(
        [
            *exe,
            "--db",
            str(db),
            "letter",
            "render",
            "PD-2026-000001",
            "--kind",
            "acknowledgement",
            "--out",
            str(pdf),
        ],
        env,
        expect="wrote",
    )
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(host(pdf)).pages)
    if case["consumer_name"] not in text or "PD-2026-000001" not in text:
        raise SmokeFailure(
            f"the rendered letter does not name {case['consumer_name']} and the case: {text[:300]!r}"
        )
    print(f"ok   the letter's PDF text names {case['consumer_name']} and PD-2026-000001")
    run([*exe, "--db", str(db), "check-db"], env, expect="the database is sound")
    shutil.rmtree(host(env["HOME"]), ignore_errors=True)


class Xvfb:
    """An X server of our own on a free display number (chosen by Xvfb itself), stopped by its pid."""

    def __enter__(self) -> Xvfb:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise SmokeFailure("Xvfb did not start")
        self.display = f":{number}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def start_gui(command: list[str], display: str, env: dict[str, str], timeout: float) -> float:
    """Seconds from launch until privdesk logs that its window is ready; the app is left running."""
    env = dict(env, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    log = host(env["XDG_DATA_HOME"]) / "privdesk" / "logs" / "privdesk.log"
    before = log.read_text(errors="replace").count(READY_LINE) if log.exists() else 0
    output = host(env["HOME"]) / "gui-output.txt"
    started = time.perf_counter()
    with output.open("w") as sink:
        proc = subprocess.Popen(launch(command), env=env, stdout=sink, stderr=subprocess.STDOUT)
    while time.perf_counter() - started < timeout:
        if log.exists() and log.read_text(errors="replace").count(READY_LINE) > before:
            took = time.perf_counter() - started
            start_gui.running = proc  # type: ignore[attr-defined]
            return took
        if proc.poll() is not None:
            raise SmokeFailure(f"{' '.join(command)} exited {proc.returncode}: {output.read_text()[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    raise SmokeFailure(f"no ready window within {timeout:.0f} s: {output.read_text()[-2000:]}")


def stop_gui() -> None:
    proc: subprocess.Popen[bytes] = start_gui.running  # type: ignore[attr-defined]
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


SHOT_SCRIPT = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["shot"])
image = app.primaryScreen().grabWindow(0).toImage()
image.save(sys.argv[1])
colours, lit, total = set(), 0, 0
for y in range(0, image.height(), 4):
    for x in range(0, image.width(), 4):
        pixel = image.pixel(x, y) & 0xFFFFFF
        colours.add(pixel)
        lit += pixel != 0
        total += 1
print(len(colours), lit / total)
"""


def screenshot(display: str, target: Path) -> None:
    """Grab the whole screen; an empty Xvfb screen is black, a drawn window has many colours."""
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(
        [sys.executable, "-c", SHOT_SCRIPT, str(target)], env=env, capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0:
        raise SmokeFailure(f"the screenshot failed: {proc.stderr.strip()[-1000:]}")
    colours, covered = proc.stdout.split()
    if int(colours) < 40 or float(covered) < 0.3:
        raise SmokeFailure(
            f"the screenshot {target} looks empty: {colours} colours, {float(covered):.0%} covered"
        )
    print(f"ok   screenshot {target.name}: {colours} colours, {float(covered):.0%} of the screen drawn")


def gui_check(command: list[str], label: str, shots: Path, runs: int) -> tuple[float, float]:
    """First start (seeds the demo database) and the best of ``runs`` later starts, in seconds."""
    env = fresh_home()
    with Xvfb() as x:
        first = start_gui(command, x.display, env, timeout=300)
        screenshot(x.display, shots / f"{label}.png")
        stop_gui()
        later = []
        for _ in range(runs):
            later.append(start_gui(command, x.display, env, timeout=120))
            stop_gui()
    shutil.rmtree(host(env["HOME"]), ignore_errors=True)
    print(
        f"ok   {' '.join(command)}: window ready {first:.2f} s after launch on the first start, "
        f"{min(later):.2f} s later (best of {runs})"
    )
    return first, min(later)


def desktop_command(entry: Path, action: str | None) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry)
    section = f"Desktop Action {action}" if action else "Desktop Entry"
    words = shlex.split(parser[section]["Exec"])
    return [word for word in words if not (len(word) == 2 and word.startswith("%"))]


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exe", type=Path, help="the bundle's executable, e.g. dist/privdesk/privdesk")
    parser.add_argument("--desktop-entry", type=Path, help="an installed .desktop file to start the app from")
    parser.add_argument("--compare-source", action="store_true", help="also time `python -m privdesk`")
    parser.add_argument("--shots", type=Path, default=Path(tempfile.gettempdir()) / "privdesk-smoke-shots")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, help="run privdesk inside this Debian tree (chroot, as root)")
    args = parser.parse_args()
    global ROOTFS
    ROOTFS = args.root.resolve() if args.root else None
    args.shots.mkdir(parents=True, exist_ok=True)
    try:
        if args.desktop_entry:
            main_command = desktop_command(host(args.desktop_entry), None)
            demo_command = desktop_command(host(args.desktop_entry), "demo")
            print(
                f"the menu entry runs {shlex.join(main_command)}; its demo action {shlex.join(demo_command)}"
            )
            command_line_checks(main_command)
            gui_check(demo_command, "fresh-debian" if ROOTFS else "installed", args.shots, args.runs)
            return 0
        if not args.exe:
            parser.error("give --exe or --desktop-entry")
        exe = [str(args.exe.resolve())]
        command_line_checks(exe)
        frozen = gui_check([*exe, "--demo"], "frozen", args.shots, args.runs)
        if args.compare_source:
            source = gui_check([sys.executable, "-m", "privdesk", "--demo"], "source", args.shots, args.runs)
            venv = Path(sys.prefix)
            print()
            print(f"{'':28}{'size':>10}{'first start':>14}{'later starts':>15}")
            print(
                f"{'frozen bundle':28}{size_mb(args.exe.resolve().parent):>8.0f}MB"
                f"{frozen[0]:>13.2f}s{frozen[1]:>14.2f}s"
            )
            print(
                f"{'source install (venv)':28}{size_mb(venv):>8.0f}MB{source[0]:>13.2f}s{source[1]:>14.2f}s"
            )
        return 0
    except (SmokeFailure, subprocess.TimeoutExpired) as failure:
        print(f"smoke test FAILED: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
