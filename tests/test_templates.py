"""Rules every template keeps, checked over the template files themselves (so a page added
later keeps them too)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
TAG = re.compile(r"<(?P<name>[a-z]+)\b(?P<attrs>[^>]*)>", re.S)


def tags(name: str):
    """(template, attributes) of every <name ...> tag in the templates."""
    for path in TEMPLATES:
        for match in TAG.finditer(path.read_text(encoding="utf-8")):
            if match["name"] == name:
                yield path.relative_to(settings.BASE_DIR), match["attrs"]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 20 and any(path.name == "bank.html" for path in TEMPLATES)


def test_filter_forms_are_not_pico_search_groups():
    """A filter form sits in <search>: role="search" makes Pico draw the whole block as one
    pill-shaped group with one focus ring round all of it."""
    filters = [(path, attrs) for path, attrs in tags("form") if re.search(r"\bfilters\b", attrs)]
    assert len(filters) >= 3
    grouped = [str(path) for path, attrs in filters if 'role="search"' in attrs]
    assert not grouped, f"filter forms with role=search: {grouped}"


def test_time_elements_take_their_datetime_from_html_datetime():
    """Django's date:'c' writes microseconds (six fractional digits; HTML allows three):
    machine-readable times go through the html_datetime filter (or are durations)."""
    wrong = [
        f"{path}: {attrs.strip()}"
        for path, attrs in tags("time")
        if "{{" in attrs
        and not re.search(r'datetime="(\{\{[^}]*\|html_datetime \}\}|PT\{\{[^}]*\}\}S)"', attrs)
    ]
    assert not wrong, "\n".join(wrong)


def test_links_are_never_announced_as_buttons():
    """A link with role="button" is announced as a button that Space does not press: links
    that navigate stay links (drawn as buttons with class="button")."""
    wrong = [f"{path}: <a{attrs}>" for path, attrs in tags("a") if re.search(r"\brole=", attrs)]
    assert not wrong, "\n".join(wrong)
    scripts = sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))
    assert scripts
    for script in scripts:  # nor do the scripts give the role
        assert not re.search(r"""role\W{1,4}button""", script.read_text(encoding="utf-8")), script
