"""Prints, as JSON, every (method, path) of the standalone site's API schema, for the host site
check to compare with its own (``host_journey.py``)."""

import json

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

response = Client().get(reverse("api:schema") + "?format=json", HTTP_HOST="localhost")
schema = json.loads(response.content)
operations = sorted(
    (method.upper(), path)
    for path, item in schema["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)
print(json.dumps(operations))
