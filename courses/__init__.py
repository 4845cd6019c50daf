"""Pathways' `courses` folder, installed as ``pathways.courses``."""

# The repository root is on sys.path when manage.py or pytest run, so the bare folder name would
# import too: a second copy of the same modules, whose models and signals would clash.
if __name__ != "pathways.courses":
    raise ImportError(f"Import pathways.courses, not {__name__}.")
