"""A host that sets none of Pathways' own settings (tests/test_app_settings.py).

The standalone test settings, less every ``PATHWAYS_*`` name: Pathways must start, pass its
system checks and serve its pages on the defaults of ``lms/core/app_settings.py`` alone.
"""

from demo_site.settings.test import *  # noqa: F403

for _name in [name for name in globals() if name.startswith("PATHWAYS_")]:
    del globals()[_name]
del _name
