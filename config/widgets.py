"""Form widgets drawn in Python, for pages that draw many of them.

Django draws each widget through templates (the widget's, its attributes', each option's): a
few hundred microseconds each, most of the admin question list's time with its 50 editable
rows. These draw the same HTML as Django's templates, in Python.
"""

from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: ``True`` a bare attribute, ``False`` none."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PlainInput:
    """An ``<input>`` (number, hidden, checkbox...) drawn in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', value) if value is not None else "",
            _attrs(widget["attrs"]),
        )


class PlainSelect:
    """A ``<select>`` without option groups, drawn in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html(
                '\n  <option value="{}"{}>{}</option>',
                option["value"],
                _attrs(option["attrs"]),
                option["label"],
            )
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        ]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            format_html_join("", "{}", ((o,) for o in options)),
        )


class NumberInput(PlainInput, forms.NumberInput):
    pass


class HiddenInput(PlainInput, forms.HiddenInput):
    pass


class CheckboxInput(PlainInput, forms.CheckboxInput):
    pass


class Select(PlainSelect, forms.Select):
    pass
