"""The standalone site's password hasher: Django's Argon2id at a cost a small server can afford.

Django's own Argon2 settings (100 MiB of memory, 8 lanes) cost about 0.2 s of CPU a sign-in on a
two-core machine, as much as the PBKDF2 default they replace, so a burst of sign-ins saturates it.
These are the first of OWASP's recommended Argon2id settings (19 MiB of memory, two passes, one
lane): about 20 ms a sign-in there (``bench/hasher_bench.py``, in ``make bench``).

The name stays ``argon2``, so stored hashes are Django's own format (each records its settings)
and Django's ``Argon2PasswordHasher`` can still check them. A password stored with other settings,
or by another hasher (PBKDF2), is hashed again like this when its owner next signs in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PathwaysArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
