"""Browser tests: Playwright drives Debian's Chromium against a live test server."""

import functools
import os
import shutil
from pathlib import Path

import pytest

from distretto.demo import load_demo

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = ROOT / "test-artefacts"
QUIET_WARNINGS = [
    # WhiteNoise looks for collected files; the live server serves them from the finders.
    "ignore:No directory at:UserWarning",
    # pytest-base-url (pulled in by pytest-playwright) and pytest 9, not this project.
    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
]


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            for warning in QUIET_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(warning))
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "it-IT", "viewport": {"width": 1280, "height": 900}}


def watch(page):
    """Record what goes wrong on a page while a test drives it.

    Returns a dict of lists, filled as the page runs: `csp` (console errors about the
    Content-Security-Policy), `js` (uncaught script errors) and `failed` (resources of a page
    answered with a 4xx/5xx status, e.g. a missing stylesheet, script or icon sprite; the
    status of the pages themselves is what `page.goto()` returns, checked by the tests).
    """
    problems = {"csp": [], "js": [], "failed": []}

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems["csp"].append(f"{page.url}: {message.text}")

    def on_response(response):
        if response.status >= 400 and not response.request.is_navigation_request():
            problems["failed"].append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems["js"].append(f"{page.url}: {error}"))
    page.on("response", on_response)
    page.problems = problems
    return problems


@pytest.fixture
def problems(page):
    """What went wrong on the test's `page` (see `watch`); empty lists on a clean run."""
    return watch(page)


@pytest.fixture
def csp_violations(problems):
    """Console errors about the Content-Security-Policy during a test."""
    return problems["csp"]


@pytest.fixture
def new_page(browser, browser_context_args):
    """Open another, independent browser (own cookies): a second person in the same test."""
    contexts = []

    def open_page():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def demo(transactional_db):
    """The demo district (distretto/demo.py): real organisations, example services, accounts.

    The live server runs in another thread, so the data must be committed: browser tests
    use a transactional database, flushed after each test.
    """
    return load_demo()


def axe_violations(page):
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the current page.

    axe is evaluated through the DevTools protocol rather than added as a <script> tag:
    the site's Content-Security-Policy (script-src 'self') rightly blocks inline scripts,
    and a test must not weaken it (nor report its own injection as a CSP violation).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
            resultTypes: ['violations']
        })"""
    )
    # A run that checked nothing (axe missing, empty page) must not pass as "no violations".
    assert result["passes"], f"axe checked nothing on {page.url}"
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
            "summary": (violation["nodes"] or [{}])[0].get("failureSummary", ""),
        }
        for violation in result["violations"]
    ]


@functools.cache
def _axe_source():
    # axe.min.js ends with the UMD wrapper that sets window.axe when no module system is there.
    return AXE_JS.read_text(encoding="utf-8")


def screenshot(page, name):
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def check_page(page, name):
    """Screenshot the current page as `name` and return its WCAG A/AA violations."""
    # Bootstrap Italia's stylesheet really applies (not a bare HTML page): its header colour.
    header = page.locator(".it-header-center-wrapper")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    ), f"Bootstrap Italia's styles are missing on {page.url}"
    screenshot(page, name)
    return axe_violations(page)


def choose(scope, name, value):
    """Tick the radio button or check box `name`=`value` by its label, as a person does.

    Bootstrap Italia draws its own control over the real input and the label takes the click.
    """
    control = scope.locator(f'input[name="{name}"][value="{value}"]')
    scope.locator(f'label[for="{control.get_attribute("id")}"]').click()
    assert control.is_checked(), f"{name}={value} did not get ticked"
