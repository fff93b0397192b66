"""Filters for the Markdown export (``templates/interviews/exports/scorecard.md``, rendered with
autoescape off): what people typed shows as typed, never as HTML or as Markdown table syntax."""

from django import template

register = template.Library()


@register.filter
def md_text(text: object) -> str:
    """Text as Markdown shows it, never as HTML: renderers pass raw HTML through, so `<`, `>`
    and `&` become entities (which every renderer shows as the characters typed)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@register.filter
def md_cell(text: object) -> str:
    """On one line (whitespace runs become one space), with `|` escaped: fits a table cell, a
    heading or a list item."""
    return md_text(" ".join(str(text).split())).replace("|", "\\|")


@register.filter
def md_quote(text: str) -> str:
    """A block quote, line by line (a blank line stays in the quote as a bare `>`)."""
    lines = [f"> {md_text(line)}".rstrip() for line in text.splitlines()] or [">"]
    return "\n".join(lines)
