"""{% explain key %}: a plain-language explanation beside a registry term, from trials/glossary.py."""

from functools import lru_cache

from django import template
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

from trials.choices import Phase
from trials.glossary import explaining

register = template.Library()


@register.simple_tag
def explain(key):
    """A details/summary disclosure (keyboard-ready, no JavaScript) linking to the glossary; nothing if unknown.

    key is a glossary slug or a registry value; a combined phase ("PHASE1_PHASE2") explains each phase.
    """
    return _explanation(key, get_language(), get_script_prefix())


@lru_cache(maxsize=1024)
def _explanation(key, language, script_prefix):
    """The same for every page in a language: rendered once per process (a record header shows four)."""
    keys = Phase.to_list(key) if key in Phase.values else [key]
    return render_to_string("trials/includes/explain.html", {"terms": [term for term in map(explaining, keys) if term]})


@receiver(file_changed)
def forget_explanations(sender, file_path, **kwargs):
    """The development server: an edited template shows on the next page, explanations included."""
    if file_path.suffix == ".html":
        _explanation.cache_clear()
