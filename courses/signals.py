"""The one hook other capabilities listen to when a participant completes a course.

``course_completed`` is sent once per completion, after the transaction that recorded it has
committed, with ``enrolment`` (a completed :class:`courses.models.Enrolment`). Certificates
listen to it; a receiver must be idempotent, since a later re-evaluation never sends it twice but
a retried task may.
"""

from django.dispatch import Signal

course_completed = Signal()
