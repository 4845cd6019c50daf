"""Events cohorts announce to the apps that care.

``cohort_programme_completed`` is sent once a member's completion of a cohort programme has
committed, with ``membership`` (a completed :class:`pathways.cohorts.models.CohortMembership`).
Certificates listen to it to issue the programme certificate; a receiver must be idempotent.
"""

from django.dispatch import Signal

cohort_programme_completed = Signal()
