"""Registers the course screens of the Wagtail admin (``courses.admin``)."""

from wagtail import hooks

from pathways.courses import admin


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return admin.viewset()
