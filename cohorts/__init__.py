"""Pathways' `cohorts` folder, installed as ``pathways.cohorts``."""

# The repository root is on sys.path when manage.py or pytest run, so the bare folder name would
# import too: a second copy of the same modules, whose models and signals would clash.
if __name__ != "pathways.cohorts":
    raise ImportError(f"Import pathways.cohorts, not {__name__}.")
