"""Shared serializer bases for the API.

Every input serializer refuses fields it does not know: a typo such as ``ends_of`` for
``ends_on`` must not pass silently and leave the default in place, least of all on a consent.
"""

from collections.abc import Mapping

from django.utils.translation import gettext, gettext_lazy

from rest_framework import serializers


class StrictSerializerMixin:
    """Answers 400 with ``"Unknown field."`` under each field the serializer does not accept,
    together with any other problems in the same body."""

    unknown_field_message = gettext_lazy("Unknown field.")

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {
                str(key): [self.unknown_field_message]
                for key in sorted(data.keys(), key=str)
                if key not in accepted
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not unknown or not isinstance(exc.detail, Mapping):
                raise
            raise serializers.ValidationError({**exc.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def _messages(detail) -> list[str]:
    if isinstance(detail, Mapping):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list | tuple):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


class FlatListField(serializers.ListField):
    """A list whose errors read as a flat list of messages ("Item 2: ..."), like any other
    field's, instead of DRF's ``{"1": [...]}``: the error format promises lists of messages."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, Mapping):
                raise
            raise serializers.ValidationError(
                [
                    gettext("Item %(number)s: %(message)s")
                    % {"number": int(index) + 1, "message": text}
                    for index, detail in exc.detail.items()
                    for text in _messages(detail)
                ]
            ) from None


#: The largest id a database integer column holds; larger ones are refused as invalid input.
MAX_ID = 2**63 - 1


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    """The base of every input serializer (bodies and query strings)."""

    def create(self, validated_data):  # pragma: no cover - inputs go to services, not save()
        raise NotImplementedError

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError


class EmptyInputSerializer(StrictSerializer):
    """For actions that take no input: any field sent is refused rather than ignored."""
