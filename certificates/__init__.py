"""Pathways' `certificates` folder, installed as ``pathways.certificates``."""

# The repository root is on sys.path when manage.py or pytest run, so the bare folder name would
# import too: a second copy of the same modules, whose models and signals would clash.
if __name__ != "pathways.certificates":
    raise ImportError(f"Import pathways.certificates, not {__name__}.")
