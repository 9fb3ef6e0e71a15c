"""Import the pure modules of a package without running the package's ``__init__.py``.

``make check`` reads one file with the citation plugin's Markdown extension and the
editorial and link rules, none of which needs Pelican. But the plugin lives in
Pelican's namespace (``pelican.plugins.faq_citations``), so importing it runs
``pelican/__init__.py``, which imports all of Pelican (generators, readers, docutils,
rich, the server...); and ``plugins/editorial`` and ``plugins/linkcheck`` are Pelican
plugins whose ``__init__.py`` connects receivers to Pelican's signals. That was over
half of ``make check``'s time.

``skip_package_init("pelican")`` registers the package as its search path only (what
``__init__.py`` would set, ``pkgutil.extend_path`` included, so plugins installed in
other folders are found), so ``import pelican.plugins.faq_citations.errors`` loads just
that module, and a later ``from pelican.settings import read_settings`` still works.
What the skipped ``__init__.py`` defines (``pelican.Pelican``, the plugins' ``register``)
is then missing: only a process that needs none of it may call this, before anything
imports the package -- ``python -m tools.check`` does, at its start.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import sys


def skip_package_init(*names: str) -> None:
    """Make each package importable for its submodules without running its ``__init__.py``.

    A package already imported is left as it is."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError(f"{name!r} is not a package", name=name)
        module = importlib.util.module_from_spec(spec)  # __path__ and __spec__ set, nothing run
        module.__path__ = pkgutil.extend_path(list(module.__path__), name)
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)
