"""Registers the user listing's bulk actions (``admin.py``), held to the accounts and roles
within reach, in place of Wagtail's own, and the chosen name's panel of the account page."""

from wagtail import hooks

from pathways.lms.accounts import admin

# After Wagtail's hooks (order 0), so that these take their action names.
_AFTER_WAGTAIL = 10

hooks.register("register_bulk_action", admin.PathwaysAssignRoleBulkAction, order=_AFTER_WAGTAIL)
hooks.register("register_bulk_action", admin.PathwaysSetActiveStateBulkAction, order=_AFTER_WAGTAIL)
hooks.register("register_bulk_action", admin.PathwaysDeleteBulkAction, order=_AFTER_WAGTAIL)


@hooks.register("register_account_settings_panel")
def register_chosen_name_panel(request, user, profile):
    return admin.ChosenNamePanel(request, user, profile)
