"""Test data for notices, written directly; ``lms.notices.services.notify`` holds the rules."""

import factory
from factory.django import DjangoModelFactory

from pathways.lms.notices.models import Notice, NoticeKind
from tests.factories.accounts import ParticipantFactory


class NoticeFactory(DjangoModelFactory):
    """An unread notice of a new certificate, leading to her certificates."""

    user = factory.SubFactory(ParticipantFactory)
    kind = NoticeKind.CERTIFICATE_READY
    url = "/certificates/"
    dedupe_key = ""

    class Meta:
        model = Notice
