"""Staff editing: the trial editor with its review workflow, and the shared sponsors, investigators and conditions."""

from . import shared, trial

__all__ = ["shared", "trial"]
