"""Package layout: no public name shadows a submodule, implementation modules can be patched,
and pydoc renders every subpackage.

A subpackage that re-exports a function under the name of one of its submodules (the old
``emerging.relatedness.proximity``) makes ``mock.patch("pkg.proximity.helper")`` resolve the
function instead of the module, and importing the submodule rebinds the package attribute.
Implementation modules are therefore private (``_proximity.py``) and re-exported.
"""

from __future__ import annotations

import importlib
import pkgutil
import pydoc
import sys
import types
from unittest import mock

import pytest

import emerging


def _all_module_names() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(emerging.__path__, "emerging."))


def _package_names() -> list[str]:
    return ["emerging"] + [
        m.name for m in pkgutil.walk_packages(emerging.__path__, "emerging.") if m.ispkg
    ]


MODULES = _all_module_names()
PACKAGES = _package_names()

#: Private implementation modules and the public function each re-exports.
RENAMED = {
    "emerging.datasets._demo": "demo",
    "emerging.maps._choropleth": "choropleth",
    "emerging.networks._brokerage": "brokerage",
    "emerging.networks._communities": "communities",
    "emerging.relatedness._complexity": "complexity",
    "emerging.relatedness._opportunity": "opportunity",
    "emerging.relatedness._proximity": "proximity",
    "emerging.relatedness._risk_reward": "risk_reward",
    "emerging.trends._growth": "growth",
    "emerging.trends._portfolio": "portfolio",
    "emerging.trends._shift_share": "shift_share",
}


@pytest.mark.parametrize("name", MODULES)
def test_no_public_attribute_shadows_a_submodule(name):
    module = importlib.import_module(name)  # importing binds the package attribute
    parent_name, _, child = name.rpartition(".")
    parent = sys.modules[parent_name]
    attr = parent.__dict__.get(child)
    assert attr is None or isinstance(attr, types.ModuleType), (
        f"{parent_name}.{child} is {attr!r}, not the submodule {module!r}"
    )
    # and the lazy top-level table never names a submodule of emerging itself
    if parent_name == "emerging":
        assert child not in emerging._LAZY


@pytest.mark.parametrize(("module_name", "public"), sorted(RENAMED.items()))
def test_public_function_is_reexported_and_patchable(module_name, public):
    module = importlib.import_module(module_name)
    package = sys.modules[module_name.rpartition(".")[0]]
    func = getattr(module, public)
    assert callable(func) and not isinstance(func, types.ModuleType)
    assert getattr(package, public) is func
    assert public in package.__all__
    with mock.patch(f"{module_name}.{public}") as patched:
        assert getattr(module, public) is patched
    assert getattr(module, public) is func


def test_lazy_table_points_at_modules_that_define_the_name():
    for name, module_name in emerging._LAZY.items():
        module = importlib.import_module(module_name)
        assert hasattr(module, name), f"{module_name} does not define {name}"


@pytest.mark.parametrize("name", PACKAGES)
def test_pydoc_renders_every_subpackage(name):
    text = pydoc.render_doc(name, renderer=pydoc.plaintext)
    assert name in text
    package = importlib.import_module(name)
    for public in getattr(package, "__all__", []):
        if public in getattr(package, "_LAZY", {}):
            continue  # lazy names are checked by test_lazy_table_points_at_modules_that_define_the_name
        assert public in text, f"pydoc of {name} does not list {public}"


@pytest.mark.parametrize(("module_name", "public"), sorted(RENAMED.items()))
def test_public_name_is_the_function_not_a_module(module_name, public):
    """Decision (issue 11): ``emerging.relatedness.proximity`` is the function users call;
    the implementation lives in ``_proximity``. No module carries the public name, so
    importing a submodule can never rebind the package attribute."""
    package_name = module_name.rpartition(".")[0]
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"{package_name}.{public}")
    package = importlib.import_module(package_name)
    assert callable(getattr(package, public))
    assert not isinstance(getattr(package, public), types.ModuleType)
