"""Pathways' `mentoring` folder, installed as ``pathways.mentoring``."""

# The repository root is on sys.path when manage.py or pytest run, so the bare folder name would
# import too: a second copy of the same modules, whose models and signals would clash.
if __name__ != "pathways.mentoring":
    raise ImportError(f"Import pathways.mentoring, not {__name__}.")
