"""The import contracts in pyproject.toml cover every Pathways app (lint-imports checks them)."""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def _layered_apps() -> set[str]:
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    return {name.strip() for layer in layers for name in layer.split("|")}


def test_every_pathways_app_sits_in_a_layer_of_the_import_contract():
    installed = {c.name for c in apps.get_app_configs() if c.name.startswith("pathways.")}
    assert len(installed) >= 13
    assert installed == _layered_apps()


def test_every_app_has_its_own_label_under_the_pathways_prefix():
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("pathways.")]
    assert len(labels) == len(set(labels))
    assert all(label.startswith("pathways_") for label in labels)
