"""System checks: the mentoring settings must hold values that work (lms/core/app_settings.py)."""

from django.core.checks import register

from pathways.lms.core.checks import boolean_errors


@register()
def check_mentoring_settings(app_configs, **kwargs):
    return boolean_errors(
        "PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED", check_id="pathways_mentoring.E001"
    )
