from django import template

from questionbank.models import SCORING_RULE

register = template.Library()


@register.inclusion_tag("includes/scoring_rule.html")
def scoring_rule():
    """The scoring rule every anchor follows, best score first."""
    return {"rule": [(score.value, score.label, text) for score, text in SCORING_RULE.items()]}
