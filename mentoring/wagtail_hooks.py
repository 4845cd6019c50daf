"""Registers the mentoring screens of the Wagtail admin."""

from wagtail import hooks

from pathways.mentoring import admin


@hooks.register("register_admin_viewset")
def register_mentoring_viewsets():
    return admin.viewset_group()
