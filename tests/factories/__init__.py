"""Factories (factory-boy) for every app, kept with the tests, not installed with Pathways."""
