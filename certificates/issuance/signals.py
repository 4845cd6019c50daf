"""Events certificates announce to the apps that care.

``certificate_issued`` is sent inside the transaction that issues a certificate (a new one, or one
replacing another), with ``certificate``, before anything else sees it: the verifiable-credentials
app gives it its status-list bit and signed credential there, so that the two commit together.

``certificate_revoked`` is sent once a revocation has committed, with ``certificate``.
"""

from django.dispatch import Signal

certificate_issued = Signal()
certificate_revoked = Signal()
