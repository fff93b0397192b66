from django import template

from questionbank.models import SCORING_RULE, split_lines

register = template.Library()


@register.filter
def lines(value) -> list[str]:
    """A one-point-per-line text field as a list of points."""
    return split_lines(value or "")


@register.inclusion_tag("includes/scoring_rule.html")
def scoring_rule():
    """The scoring rule every anchor follows, best score first."""
    return {"rule": [(score.value, score.label, text) for score, text in SCORING_RULE.items()]}
