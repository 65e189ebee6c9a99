"""The public API: every advertised name resolves, and `import emerging` stays light."""

import subprocess
import sys

import emerging


def test_every_lazy_name_resolves_to_a_callable():
    for name in emerging.__all__:
        assert callable(getattr(emerging, name)), name


def test_unknown_name_is_an_attribute_error():
    try:
        emerging.no_such_function  # noqa: B018
    except AttributeError as exc:
        assert "no_such_function" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_loads_no_heavy_library():
    code = (
        "import sys, emerging; "
        "heavy = [m for m in ('geopandas', 'statsmodels', 'networkx', 'matplotlib', 'scipy') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
