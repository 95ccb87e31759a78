"""Bootstrap Italia reduced to what the portal uses (assets/, `make assets`).

The build is committed in static/bootstrap-italia/ so that running the portal needs neither
Sass nor esbuild. These tests catch what the reduction could silently break: an icon that a
template names but the reduced sprite lacks, a Bootstrap Italia class used in a template but
left out of the reduced stylesheet, and a change to assets/ not followed by a rebuild.
"""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUILT = ROOT / "static" / "bootstrap-italia"
FULL_CSS = ROOT / "node_modules" / "bootstrap-italia" / "dist" / "css" / "bootstrap-italia.min.css"
SOURCES = [ROOT / "templates", ROOT / "static" / "js"]


def source_files():
    for folder in SOURCES:
        yield from sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".js"})


def selectors_of(css: str) -> set[str]:
    """The class names a stylesheet styles (.name in any selector)."""
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"url\([^)]*\)", "", css)))


def test_every_icon_a_template_names_is_in_the_reduced_sprite():
    sprite = (BUILT / "svg" / "sprites.svg").read_text()
    symbols = set(re.findall(r'<symbol\b[^>]*\bid="([^"]+)"', sprite))
    named = {
        (path.relative_to(ROOT).as_posix(), icon)
        for path in source_files()
        for use in re.findall(r"<use\b[^>]*>", path.read_text())
        for icon in re.findall(r"\bit-[a-z0-9-]+", use)
    }
    assert named, "no icon found: has the sprite's markup changed?"
    missing = sorted(f"{icon} ({path})" for path, icon in named if icon not in symbols)
    assert not missing, f"icons missing from the reduced sprite (run `make assets`): {missing}"


@pytest.mark.skipif(not FULL_CSS.exists(), reason="node_modules not installed")
def test_every_bootstrap_italia_class_in_templates_is_in_the_reduced_stylesheet():
    full = selectors_of(FULL_CSS.read_text())
    reduced = selectors_of((BUILT / "css" / "bootstrap-italia.min.css").read_text())
    used = set()
    for path in source_files():
        for value in re.findall(r'class="([^"]*)"', path.read_text()):
            # A name glued to template logic (alert-{{ level }}, {% if %}active) is not one.
            value = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "\0", value)
            used.update(name for name in value.split() if re.fullmatch(r"[a-z][a-z0-9-]*", name))
    missing = sorted((used & full) - reduced)
    assert not missing, (
        f"classes styled by Bootstrap Italia but left out of assets/bootstrap-italia.scss: "
        f"{missing} (add the partial and run `make assets`)"
    )


def test_the_build_is_up_to_date_with_assets():
    """Mirrors assets/build.mjs: the sources' paths and contents, then the pinned release."""
    digest = hashlib.sha256()
    suffixes = {".scss", ".js", ".mjs"}
    sources = sorted(p for p in (ROOT / "assets").rglob("*") if p.suffix in suffixes)
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    package = json.loads((ROOT / "package.json").read_text())
    digest.update(package["dependencies"]["bootstrap-italia"].encode())
    recorded = (ROOT / "assets" / "build-inputs.sha256").read_text().strip()
    assert digest.hexdigest() == recorded, "assets/ changed since the last build: run `make assets`"


def test_the_reduced_build_is_much_smaller_than_the_full_one():
    css = (BUILT / "css" / "bootstrap-italia.min.css").stat().st_size
    js = (BUILT / "js" / "bootstrap-italia.min.js").stat().st_size
    assert css < 400_000 and js < 80_000


def test_every_font_file_the_font_stylesheet_names_is_a_static_file():
    from django.contrib.staticfiles import finders

    css = (ROOT / "static" / "css" / "fonts.css").read_text()
    urls = re.findall(r'url\("\.\./([^"]+)"\)', css)
    assert any(url.startswith("fonts/") and "-latin-" in url for url in urls)  # Latin subsets
    missing = sorted(url for url in urls if not finders.find(url))
    assert not missing, missing
