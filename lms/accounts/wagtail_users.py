"""Wagtail's user admin app, pointed at the user screens that know the Pathways profile."""

from wagtail.users.apps import WagtailUsersAppConfig


class PathwaysUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "pathways.lms.accounts.admin.UserViewSet"
