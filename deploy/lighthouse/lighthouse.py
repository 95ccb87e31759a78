"""How light are the pages on a phone?  `make lighthouse` (or deploy/lighthouse/lighthouse.py).

Starts gunicorn on loopback as in production (DEBUG off, deploy/gunicorn.conf.py, static
files collected and served compressed by WhiteNoise with their hashed names, as nginx
serves them; pages compressed as nginx does, see lighthouse_settings.py), on a throwaway
SQLite database given the demo district, and runs Lighthouse
(npm devDependency, its default mobile preset: a mid-range phone on a slow 4G connection,
simulated) with Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default) against the
home page, the catalogue, a service page and the partners list. It prints one table and
writes the same figures to lighthouse-results.json (git-ignored).

Targets (issue 10): performance >= 95 on every page, LCP < 2.5 s, total blocking time
< 200 ms, transfer weight < 200 KB; accessibility, best practices and SEO 100. The script
exits 1 when a target is missed, so that it can guard a change; nothing here runs in the
test suite: Lighthouse needs a browser and a quiet machine.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "lighthouse-results.json"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# A service page in the catalogue's results (not the catalogue's own sub-pages).
SERVICE_LINK = re.compile(rb'href="(/servizi/(?!mie-richieste/|salvati/|indagine-)[\w-]+/)"')
TARGETS = {"performance": 95, "lcp_ms": 2500, "tbt_ms": 200, "weight_kb": 200}


def environment(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY", "lighthouse-measurement-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "lighthouse_settings",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(ROOT)]),
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def prepare(env: dict[str, str]) -> None:
    for step in (
        ["migrate", "--noinput"],
        ["load_demo", "--force"],
        ["collectstatic", "--noinput", "--clear"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    return response.status, response.read()


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def pages(port: int) -> dict[str, str]:
    """The page types measured; the service page is the catalogue's first result."""
    status, catalogue = get(port, "/servizi/")
    match = SERVICE_LINK.search(catalogue)
    if status != 200 or not match:
        raise SystemExit("no service found in the catalogue: is the demo district loaded?")
    return {
        "home": "/",
        "catalogue": "/servizi/",
        "service": match.group(1).decode(),
        "partners": "/partner/",
    }


def lighthouse(url: str, chrome: str, keep: Path | None = None, attempts: int = 3) -> dict:
    """One Lighthouse run (mobile preset, simulated throttling): the figures we report.

    Lighthouse now and then fails to record the trace (NO_NAVSTART, NO_FCP on a busy
    machine): such a run is tried again, up to ``attempts`` times.
    """
    for attempt in range(1, attempts + 1):
        try:
            return lighthouse_once(url, chrome, keep)
        except RuntimeError as error:
            if attempt == attempts:
                raise SystemExit(str(error)) from None
            print(f"  lighthouse failed on {url}, trying again", file=sys.stderr)
    raise AssertionError("unreachable")


def lighthouse_once(url: str, chrome: str, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as profile:
        completed = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                "--output-path=stdout",
                "--only-categories=" + ",".join(CATEGORIES),
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                f"--user-data-dir={profile}",
            ],
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": chrome},
            capture_output=True,
            text=True,
            timeout=300,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{completed.stderr[-2000:]}")
    report = json.loads(completed.stdout)
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"\W+", "-", url.split("//", 1)[-1]).strip("-")
        (keep / f"{name}.json").write_text(completed.stdout)
    audits = report["audits"]
    return {
        **{name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "weight_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "lcp_element": lcp_element(audits),
    }


def lcp_element(audits: dict) -> str:
    """The start of the largest element's HTML, to know which font or image to hurry."""
    try:
        details = audits["largest-contentful-paint-element"]["details"]
        table = details["items"][0] if details.get("type") == "list" else details
        return table["items"][0]["node"]["snippet"][:120]
    except (KeyError, IndexError, TypeError):
        return ""


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (Lighthouse's own advice for several runs)."""
    ordered = sorted(runs, key=lambda run: run["performance"])
    return ordered[len(ordered) // 2]


def misses(row: dict) -> list[str]:
    found = []
    if row["performance"] < TARGETS["performance"]:
        found.append(f"performance {row['performance']} < {TARGETS['performance']}")
    if row["lcp_ms"] >= TARGETS["lcp_ms"]:
        found.append(f"LCP {row['lcp_ms']} ms >= {TARGETS['lcp_ms']} ms")
    if row["tbt_ms"] >= TARGETS["tbt_ms"]:
        found.append(f"TBT {row['tbt_ms']} ms >= {TARGETS['tbt_ms']} ms")
    if row["weight_kb"] >= TARGETS["weight_kb"]:
        found.append(f"weight {row['weight_kb']} KB >= {TARGETS['weight_kb']} KB")
    for name in ("accessibility", "best-practices", "seo"):
        if row[name] < 100:
            found.append(f"{name} {row[name]} < 100")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18750)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH") or "/usr/bin/chromium")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep-reports", type=Path, help="save Lighthouse's full reports here")
    parser.add_argument("--only", nargs="*", help="page types to measure (default: all)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is missing: npm ci (it is a devDependency)")
    if not Path(args.chrome).exists():
        raise SystemExit(f"no Chromium at {args.chrome}: apt-get install chromium, or CHROME_PATH")

    with tempfile.TemporaryDirectory(prefix="distretto-lighthouse-") as workdir:
        env = environment(Path(workdir) / "lighthouse.sqlite3")
        prepare(env)
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{args.port}",
                "distretto.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(args.port, process)
            rows = []
            for page, path in pages(args.port).items():
                if args.only and page not in args.only:
                    continue
                url = f"http://127.0.0.1:{args.port}{path}"
                get(args.port, path)  # warm up templates and connections
                runs = [lighthouse(url, args.chrome, args.keep_reports) for _ in range(args.runs)]
                row = {"page": page, "path": path, **median_run(runs)}
                row["performance_runs"] = [run["performance"] for run in runs]
                rows.append(row)
                print(f"  {page}: performance {row['performance_runs']}", file=sys.stderr)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    print(
        f"\nLighthouse {lighthouse_version()}, mobile preset, median of {args.runs} run(s), "
        "gunicorn + WhiteNoise on loopback\n"
    )
    print(
        "| page | performance | accessibility | best practices | SEO "
        "| LCP | FCP | TBT | CLS | weight | requests |"
    )
    print("|---" * 11 + "|")
    for row in rows:
        print(
            f"| {row['page']} | {row['performance']} | {row['accessibility']} "
            f"| {row['best-practices']} | {row['seo']} | {row['lcp_ms'] / 1000:.1f} s "
            f"| {row['fcp_ms'] / 1000:.1f} s | {row['tbt_ms']} ms | {row['cls']} "
            f"| {row['weight_kb']:.0f} KB | {row['requests']} |"
        )
    for row in rows:
        if row["lcp_element"]:  # empty when this Lighthouse cannot trace the browser's elements
            print(f"largest element on {row['page']}: {row['lcp_element']}")
    args.output.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {args.output}")
    failed = {row["page"]: misses(row) for row in rows if misses(row)}
    for page, found in failed.items():
        print(f"target missed on {page}: " + "; ".join(found))
    return 1 if failed else 0


def lighthouse_version() -> str:
    completed = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True)
    return completed.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
