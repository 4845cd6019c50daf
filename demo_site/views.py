"""Site-level views."""

from django.shortcuts import redirect


def home(request):
    """The front door goes straight to the learner's dashboard (or the sign-in page)."""
    return redirect("courses:dashboard")
