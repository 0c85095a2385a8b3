"""{% explain key %}: a plain-language explanation beside a registry term, from trials/glossary.py."""

from django import template

from trials.choices import Phase
from trials.glossary import explaining

register = template.Library()


@register.inclusion_tag("trials/includes/explain.html")
def explain(key):
    """A details/summary disclosure (keyboard-ready, no JavaScript) linking to the glossary; nothing if unknown.

    key is a glossary slug or a registry value; a combined phase ("PHASE1_PHASE2") explains each phase.
    """
    keys = Phase.to_list(key) if key in Phase.values else [key]
    return {"terms": [term for term in map(explaining, keys) if term]}
