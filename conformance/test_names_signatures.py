"""Every name and signature of the array API standard 2025.12, checked on arraygrad.

The oracle is ``standard_2025_12.json``, generated from the standard's spec stubs by
``make_standard_table.py`` (and cross-checked here against array_api_strict). A missing name,
an unknown public name or a signature that differs (parameter names, kinds, defaults) is a
failure; arraygrad's own additions are listed below with the reason for each.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
from pathlib import Path
from typing import Any

import array_api_strict as strict
import pytest

import arraygrad as ag

TABLE: dict[str, Any] = json.loads(
    Path(__file__).with_name("standard_2025_12.json").read_text(encoding="utf-8")
)
FUNCTIONS: dict[str, list[dict[str, str]]] = TABLE["functions"]
EXTENSIONS: dict[str, dict[str, list[dict[str, str]]]] = TABLE["extensions"]
ARRAY_METHODS: dict[str, list[dict[str, str]]] = TABLE["array"]["methods"]

# Public names arraygrad adds to the standard's, per module, each with its reason.
ARRAYGRAD_EXTRAS: dict[str, dict[str, str]] = {
    "arraygrad": {
        "DType": "the class of the dtype objects (for isinstance and annotations)",
        "Device": "the class of the device objects",
        "Tensor": "the array object itself",
        "get_default_device": "the device creation functions use when given none",
        "set_default_device": "choose that device (a backend)",
    },
    "arraygrad.linalg": {},
    "arraygrad.fft": {},
}
# Keyword-only parameters arraygrad adds to standard functions (with a default, after the
# standard's own), each with its reason.
EXTRA_KEYWORDS = {"requires_grad": "creation functions can make a leaf of the autograd graph"}

_KIND = {
    "positional-only": inspect.Parameter.POSITIONAL_ONLY,
    "positional-or-keyword": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "var-positional": inspect.Parameter.VAR_POSITIONAL,
    "keyword-only": inspect.Parameter.KEYWORD_ONLY,
    "var-keyword": inspect.Parameter.VAR_KEYWORD,
}


def standard_signature(params: list[dict[str, str]], *, drop_self: bool = False) -> str:
    """Return the standard's signature as Python writes it, e.g. ``(x, /, *, axis=None)``."""
    out = []
    for p in params[1:] if drop_self else params:
        default = inspect.Parameter.empty
        if "default" in p:
            default = eval(p["default"], {"__builtins__": {}}, {"inf": math.inf})
        out.append(inspect.Parameter(p["name"], _KIND[p["kind"]], default=default))
    return str(inspect.Signature(out))


def actual_signature(fn: Any, *, drop_self: bool = False, standard: list | None = None) -> str:
    """Return ``fn``'s signature without annotations nor arraygrad's documented extras."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as e:
        pytest.fail(f"{fn!r} has no inspectable signature: {e}")
    names = {p["name"] for p in standard or ()}
    out = []
    for i, p in enumerate(sig.parameters.values()):
        if drop_self and i == 0:
            continue
        extra = (
            p.name in EXTRA_KEYWORDS
            and p.name not in names
            and p.kind is inspect.Parameter.KEYWORD_ONLY
            and p.default is not inspect.Parameter.empty
        )
        if not extra:
            out.append(p.replace(annotation=inspect.Parameter.empty))
    return str(inspect.Signature(out))


def _check(label: str, fn: Any, params: list[dict[str, str]], *, drop_self: bool = False) -> None:
    got = actual_signature(fn, drop_self=drop_self, standard=params)
    want = standard_signature(params, drop_self=drop_self)
    assert got == want, f"{label}{got} differs from the standard's {want}"


# -- the main namespace ---------------------------------------------------------------------
def test_array_api_version():
    assert ag.__array_api_version__ == TABLE["version"]


@pytest.mark.parametrize(
    "name", sorted(FUNCTIONS) + TABLE["dtypes"] + TABLE["constants"] + TABLE["objects"]
)
def test_namespace_has(name):
    assert hasattr(ag, name), f"arraygrad.{name} is missing"
    assert name in ag.__all__, f"arraygrad.{name} exists but is not in arraygrad.__all__"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_signature(name):
    fn = getattr(ag, name, None)
    assert callable(fn), f"arraygrad.{name} is missing"
    _check(f"arraygrad.{name}", fn, FUNCTIONS[name])


@pytest.mark.parametrize("name", TABLE["dtypes"])
def test_dtype_objects_equal_only_themselves(name):
    dt = getattr(ag, name)
    assert dt == getattr(ag, name)
    assert all(dt != getattr(ag, other) for other in TABLE["dtypes"] if other != name)


def test_constants():
    assert ag.e == math.e
    assert ag.pi == math.pi
    assert ag.inf == math.inf
    assert math.isnan(ag.nan)
    assert ag.newaxis is None
    assert all(type(getattr(ag, c)) is float for c in ("e", "pi", "inf", "nan"))


# -- the extensions -------------------------------------------------------------------------
EXTENSION_NAMES = [(ext, name) for ext in sorted(EXTENSIONS) for name in EXTENSIONS[ext]]


@pytest.mark.parametrize(
    ("ext", "name"), EXTENSION_NAMES, ids=[f"{e}.{n}" for e, n in EXTENSION_NAMES]
)
def test_extension_signature(ext, name):
    module = getattr(ag, ext)
    fn = getattr(module, name, None)
    assert callable(fn), f"arraygrad.{ext}.{name} is missing"
    assert name in module.__all__, f"arraygrad.{ext}.{name} is not in its __all__"
    _check(f"arraygrad.{ext}.{name}", fn, EXTENSIONS[ext][name])


def _standard_names(module: str) -> set[str]:
    if module == "arraygrad":
        return {*FUNCTIONS, *TABLE["dtypes"], *TABLE["constants"], *TABLE["objects"]}
    return set(EXTENSIONS[module.rpartition(".")[2]])


@pytest.mark.parametrize("module", sorted(ARRAYGRAD_EXTRAS))
def test_all_is_the_standard_and_listed_extras(module):
    mod = importlib.import_module(module)
    unknown = set(mod.__all__) - _standard_names(module) - set(ARRAYGRAD_EXTRAS[module])
    assert not unknown, f"{module}.__all__ has names the standard lacks: {sorted(unknown)}"
    gone = set(ARRAYGRAD_EXTRAS[module]) - set(mod.__all__)
    assert not gone, f"extras listed in this test are gone from {module}.__all__: {sorted(gone)}"


@pytest.mark.parametrize("module", sorted(ARRAYGRAD_EXTRAS))
def test_no_leaked_helpers(module):
    # What ``xp.<tab>`` (``dir(xp)``) shows: names imported for the implementation stay hidden.
    mod = importlib.import_module(module)
    leaked = {
        n
        for n in dir(mod)
        if not n.startswith("_") and n not in mod.__all__ and not inspect.ismodule(getattr(mod, n))
    }
    leaked.discard("annotations")  # ``from __future__ import annotations``
    assert not leaked, f"{module} exposes helpers outside __all__: {sorted(leaked)}"


# -- the array object -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def tensor():
    return ag.asarray([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("name", TABLE["array"]["attributes"])
def test_array_attribute(tensor, name):
    assert isinstance(getattr(type(tensor), name, None), property), f"Tensor.{name} is no property"
    getattr(tensor, name)


@pytest.mark.parametrize("name", sorted(ARRAY_METHODS))
def test_array_method_signature(tensor, name):
    method = getattr(type(tensor), name, None)
    assert callable(method), f"Tensor.{name} is missing"
    # ``self`` is left out: how a method names or binds it is not part of the contract.
    _check(f"Tensor.{name}", method, ARRAY_METHODS[name], drop_self=True)


# -- __array_namespace_info__ ---------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(TABLE["info"]))
def test_info_method_signature(name):
    method = getattr(ag.__array_namespace_info__(), name, None)
    assert callable(method), f"__array_namespace_info__().{name} is missing"
    _check(f"__array_namespace_info__().{name}", method, TABLE["info"][name])


# -- the table against array_api_strict (an independent reading of the same standard) -----
# The version arraygrad's own array_api_strict backend sets too; names depend on it.
strict.set_array_api_strict_flags(api_version=TABLE["version"])

# Where array_api_strict itself departs from the stubs (it is checked, not trusted).
STRICT_DEVIATIONS = {
    "array.to_device": "array_api_strict's stream parameter is positional-or-keyword",
}


def _strict_callables() -> list[Any]:
    info = strict.__array_namespace_info__()
    rows = [(n, getattr(strict, n, None), s, False) for n, s in FUNCTIONS.items()]
    rows += [
        (f"{ext}.{n}", getattr(getattr(strict, ext), n, None), s, False)
        for ext, table in EXTENSIONS.items()
        for n, s in table.items()
    ]
    rows += [(f"info.{n}", getattr(info, n, None), s, False) for n, s in TABLE["info"].items()]
    rows += [
        (f"array.{n}", getattr(type(strict.asarray(0.0)), n, None), s, True)
        for n, s in ARRAY_METHODS.items()
    ]
    return [
        pytest.param(
            n,
            fn,
            s,
            self_,
            id=n,
            marks=[pytest.mark.xfail(reason=STRICT_DEVIATIONS[n])]
            if n in STRICT_DEVIATIONS
            else [],
        )
        for n, fn, s, self_ in rows
        if fn is not None
    ]


def _names_and_kinds(params: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(p["name"], p["kind"]) for p in params]


@pytest.mark.parametrize(("name", "fn", "params", "method"), _strict_callables())
def test_table_agrees_with_array_api_strict(name, fn, params, method):
    sig = list(inspect.signature(fn).parameters.values())
    got = [(p.name, next(k for k, v in _KIND.items() if v is p.kind)) for p in sig]
    assert got[method:] == _names_and_kinds(params)[method:]


def test_table_has_every_name_of_array_api_strict():
    own = {"ArrayAPIStrictFlags", "Device", "__version__"} | {
        n for n in strict.__all__ if n.endswith("array_api_strict_flags")
    }
    assert set(strict.__all__) - own <= _standard_names("arraygrad")
    for ext in EXTENSIONS:
        assert set(getattr(strict, ext).__all__) <= set(EXTENSIONS[ext])
