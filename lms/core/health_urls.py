"""The health probes (``lms/core/health.py``), for a site to include at its root rather than
below Pathways' own prefix, where load balancers and supervisors expect them::

    path("health/", include("pathways.lms.core.health_urls")),

which serves ``/health/live/`` and ``/health/ready/`` (named ``health:live``, ``health:ready``).
"""

from django.urls import path

from pathways.lms.core import health

app_name = "health"

urlpatterns = [
    path("live/", health.live, name="live"),
    path("ready/", health.ready, name="ready"),
]
