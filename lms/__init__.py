"""Pathways' `lms` folder, installed as ``pathways.lms``."""

# The repository root is on sys.path when manage.py or pytest run, so the bare folder name would
# import too: a second copy of the same modules, whose models and signals would clash.
if __name__ != "pathways.lms":
    raise ImportError(f"Import pathways.lms, not {__name__}.")
