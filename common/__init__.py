"""Shared helpers that know no domain app: audit log and mail, uploads, CSV, admin base,
the coordinator group's permissions.

The lowest layer of the project (see ``[tool.importlinter]`` in ``pyproject.toml``):
nothing here imports ``partners``, ``agreements``, ``services``, ``meetings`` or the
``distretto`` project package.
"""
