"""How the measures pages write numbers: signed points, percents."""

from django import template

register = template.Library()


@register.filter
def signed(value, digits: int = 2) -> str:
    """+0.30, −0.30 (a true minus sign), 0.00; '–' for None."""
    if value is None:
        return "–"
    text = f"{abs(float(value)):.{int(digits)}f}"
    if float(text) == 0:
        return text
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def percent(value, digits: int = 0) -> str:
    """0.423 -> '42%'; '–' for None."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"
