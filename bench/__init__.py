"""Benchmarks and their data, run by ``make bench``. Not part of the apps or the demo site, which
never import it."""
