"""The standalone Pathways site: settings, root URLs, WSGI/ASGI and demo data.

It is how the repository runs Pathways on its own (``make run``, the tests, the benchmarks). It is
not part of the installed distribution: a host site brings its own project and installs the
``pathways.*`` apps.
"""
