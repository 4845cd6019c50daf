"""A site restyles Pathways by overriding "pathways/base.html"; its pages keep the exit control
and the session warning whatever the new base replaces, and the exit control still decides by
itself where it shows (not on employer pages or the public verify page)."""

import copy
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

HOST_TEMPLATES = Path(__file__).resolve().parent / "host_templates"


def _with_host_templates():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [HOST_TEMPLATES, *templates[0]["DIRS"]]
    return override_settings(TEMPLATES=templates)


def test_a_host_base_that_only_sets_its_header_keeps_the_exit_control_and_session_warning(
    signed_in, participant
):
    with _with_host_templates():
        page = signed_in(participant).get(reverse("courses:dashboard")).content.decode()
    assert "Harbourside Community Hub" in page  # the host's header
    assert 'class="site-header"' not in page  # instead of Pathways' own
    assert 'href="{}"'.format(reverse("safety:exit")) in page
    assert "data-exit-this-page" in page and "pathways/exit.js" in page
    assert 'id="session-warning"' in page and "pathways/session.js" in page


def test_without_an_override_pathways_own_header_is_there(signed_in, participant):
    page = signed_in(participant).get(reverse("courses:dashboard")).content.decode()
    assert 'class="site-header"' in page
    assert "Harbourside Community Hub" not in page
    assert "data-exit-this-page" in page and 'id="session-warning"' in page


def test_a_host_base_keeps_the_exit_control_off_employer_and_verify_pages(
    signed_in, employer_user, employer_org, client
):
    with _with_host_templates():
        portal = signed_in(employer_user).get(reverse("employer:credentials")).content.decode()
        client.logout()
        verify = client.get(reverse("verify:index")).content.decode()
    for page in (portal, verify):
        assert "Harbourside Community Hub" in page
        assert 'href="{}"'.format(reverse("safety:exit")) not in page
        assert "data-exit-this-page" not in page
        assert 'href="#main"' in page  # the skip link stays
    assert 'id="session-warning"' in portal
