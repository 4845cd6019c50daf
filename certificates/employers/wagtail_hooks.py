"""Registers the log actions of partner employers' API keys. Their admin screens sit in the
"Sharing with employers" menu group, which the sharing app registers."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from pathways.certificates.employers import services


@hooks.register("register_log_actions")
def register_employer_log_actions(actions):
    actions.register_action(services.KEY_REVOKE_ACTION, _("Revoke API key"), _("API key revoked"))
