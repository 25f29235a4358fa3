"""The standard's dtype rules on arraygrad: promotion, casting, scalars, kinds, limits, info.

The oracle is written out here from the standard's pages ("Type Promotion Rules", "Data
Types", ``isdtype`` and ``__array_namespace_info__``), independently of arraygrad's own
tables in ``_dtypes.py``.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

import arraygrad as ag

INFO_KEYS = json.loads(
    Path(__file__).with_name("standard_2025_12.json").read_text(encoding="utf-8")
)["info_keys"]

CODES = {
    "b": "bool",
    "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
    "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64",
    "f4": "float32", "f8": "float64", "c8": "complex64", "c16": "complex128",
}  # fmt: skip
DTYPES = list(CODES.values())

# The four tables of the spec's "Type Promotion Rules" page, as printed there (row, column).
TABLES = """
     i1  i2  i4  i8
i1   i1  i2  i4  i8
i2   i2  i2  i4  i8
i4   i4  i4  i4  i8
i8   i8  i8  i8  i8

     u1  u2  u4  u8
u1   u1  u2  u4  u8
u2   u2  u2  u4  u8
u4   u4  u4  u4  u8
u8   u8  u8  u8  u8

     u1  u2  u4
i1   i2  i4  i8
i2   i2  i4  i8
i4   i4  i4  i8
i8   i8  i8  i8

     f4  f8  c8  c16
f4   f4  f8  c8  c16
f8   f8  f8  c16 c16
c8   c8  c16 c8  c16
c16  c16 c16 c16 c16

     b
b    b
"""


def _promotion() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for block in TABLES.strip().split("\n\n"):
        header, *rows = (line.split() for line in block.splitlines())
        for row, *results in rows:
            for col, result in zip(header, results, strict=True):
                # The promotion of two arrays does not depend on their order.
                table[CODES[row], CODES[col]] = table[CODES[col], CODES[row]] = CODES[result]
    return table


PROMOTION = _promotion()
UNDEFINED = [(a, b) for a, b in itertools.product(DTYPES, DTYPES) if (a, b) not in PROMOTION]
BACKENDS = ["cpu", "array_api_strict"]


def _pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}-{pair[1]}"


def test_oracle_is_complete():
    # bool: 1, signed: 16, unsigned: 16, mixed: 2 * 12, float/complex: 16.
    assert len(PROMOTION) == 1 + 16 + 16 + 24 + 16
    assert ("uint64", "int64") in UNDEFINED
    assert ("int8", "float32") in UNDEFINED


# -- promotion of two arrays ----------------------------------------------------------------
@pytest.mark.parametrize("pair", sorted(PROMOTION), ids=_pair_id)
def test_result_type(pair):
    a, b = (getattr(ag, n) for n in pair)
    assert ag.result_type(a, b) == getattr(ag, PROMOTION[pair])
    x, y = ag.ones((1,), dtype=a), ag.ones((2,), dtype=b)
    assert ag.result_type(x, y) == getattr(ag, PROMOTION[pair])


@pytest.mark.parametrize("device", BACKENDS)
@pytest.mark.parametrize("pair", sorted(PROMOTION), ids=_pair_id)
def test_binary_op_dtype(pair, device):
    x, y = (ag.ones((2,), dtype=getattr(ag, n), device=device) for n in pair)
    expected = getattr(ag, PROMOTION[pair])
    if pair == ("bool", "bool"):
        # add is defined for numeric dtypes only; & is the operator bool arrays have.
        assert ag.bitwise_and(x, y).dtype == expected
        assert (x & y).dtype == expected
        return
    assert ag.add(x, y).dtype == expected
    assert (x + y).dtype == expected
    assert (x * y).dtype == expected


@pytest.mark.parametrize("pair", UNDEFINED, ids=_pair_id)
def test_undefined_promotion_raises(pair):
    # Mixed kinds (bool, integer, floating) and uint64 with a signed integer: the standard
    # defines no result, and arraygrad refuses rather than guessing.
    a, b = (getattr(ag, n) for n in pair)
    with pytest.raises(TypeError):
        ag.result_type(a, b)
    x, y = ag.ones((2,), dtype=a), ag.ones((2,), dtype=b)
    with pytest.raises(TypeError):
        ag.equal(x, y)  # defined for every dtype: only the promotion can fail
    if "bool" not in pair:
        with pytest.raises(TypeError):
            x + y


def test_result_type_is_associative_over_many_arguments():
    assert ag.result_type(ag.int8, ag.uint8, ag.int32) == ag.int32
    assert ag.result_type(ag.float32, ag.complex64, ag.float64) == ag.complex128
    assert ag.result_type(ag.uint8, ag.uint16, ag.int8) == ag.int32
    with pytest.raises(TypeError):
        ag.result_type(ag.int8, ag.int16, ag.float32)


@pytest.mark.parametrize("source", DTYPES)
def test_can_cast_follows_promotion(source):
    # can_cast(a, b) holds exactly when promoting a with b gives b.
    for target in DTYPES:
        expected = source == target or PROMOTION.get((source, target)) == target
        s, t = getattr(ag, source), getattr(ag, target)
        assert ag.can_cast(s, t) is expected, f"can_cast({source}, {target})"
        assert ag.can_cast(ag.ones((1,), dtype=s), t) is expected


# -- Python scalars -------------------------------------------------------------------------
# The scalar kinds the spec's "Mixing arrays with Python scalars" defines for each dtype kind,
# and the dtype of the result (a Python complex with a real float array: its complex dtype).
SCALARS = {"b": [True, False], "i": [1, -2], "u": [1, 3], "f": [1, -2.5], "c": [1, 2.5, 1j]}
COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


def _kind(name: str) -> str:
    return name[0] if name != "bool" else "b"


@pytest.mark.parametrize("name", DTYPES)
def test_python_scalars_take_the_array_dtype(name):
    dt = getattr(ag, name)
    x = ag.ones((2,), dtype=dt)
    for s in SCALARS[_kind(name)]:
        assert ag.result_type(dt, s) == dt, f"result_type({name}, {s!r})"
        if name == "bool":
            assert (x & s).dtype == dt
            assert (s | x).dtype == dt
            continue
        assert (x + s).dtype == dt, f"{name} + {s!r}"
        assert (s * x).dtype == dt, f"{s!r} * {name}"
        assert ag.add(x, s).dtype == dt
        assert ag.add(s, x).dtype == dt
        y = ag.ones((2,), dtype=dt)
        y += s
        assert y.dtype == dt


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_python_complex_with_a_real_float_array(name):
    x = ag.ones((2,), dtype=getattr(ag, name))
    expected = getattr(ag, COMPLEX_OF[name])
    assert ag.result_type(x.dtype, 1j) == expected
    assert (x + 1j).dtype == expected
    assert (1j * x).dtype == expected


# -- isdtype --------------------------------------------------------------------------------
KIND_MEMBERS = {
    "bool": {"bool"},
    "signed integer": {"int8", "int16", "int32", "int64"},
    "unsigned integer": {"uint8", "uint16", "uint32", "uint64"},
    "integral": {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"},
    "real floating": {"float32", "float64"},
    "complex floating": {"complex64", "complex128"},
}
KIND_MEMBERS["numeric"] = (
    KIND_MEMBERS["integral"] | KIND_MEMBERS["real floating"] | KIND_MEMBERS["complex floating"]
)


def test_kinds_are_the_standard_ones():
    assert set(KIND_MEMBERS) == set(INFO_KEYS["dtypes_kinds"])


@pytest.mark.parametrize("kind", sorted(KIND_MEMBERS))
def test_isdtype(kind):
    for name in DTYPES:
        dt = getattr(ag, name)
        assert ag.isdtype(dt, kind) is (name in KIND_MEMBERS[kind]), f"isdtype({name}, {kind!r})"
        assert ag.isdtype(dt, dt) is True
        assert ag.isdtype(dt, (kind, ag.bool)) is (name in KIND_MEMBERS[kind] or name == "bool")


def test_isdtype_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="isdtype"):
        ag.isdtype(ag.float64, "floating")


# -- finfo and iinfo ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["float32", "float64", "complex64", "complex128"])
def test_finfo_equals_numpy(name):
    real = {"complex64": "float32", "complex128": "float64"}.get(name, name)
    ref = np.finfo(real)
    for arg in (getattr(ag, name), ag.ones((1,), dtype=getattr(ag, name))):
        info = ag.finfo(arg)
        assert info.bits == ref.bits
        assert info.eps == float(ref.eps)
        assert info.max == float(ref.max)
        assert info.min == float(ref.min)
        assert info.smallest_normal == float(ref.smallest_normal)
        assert info.dtype == getattr(ag, real)
        assert all(
            type(getattr(info, a)) is float for a in ("eps", "max", "min", "smallest_normal")
        )


@pytest.mark.parametrize("name", sorted(KIND_MEMBERS["integral"]))
def test_iinfo_equals_numpy(name):
    ref = np.iinfo(name)
    for arg in (getattr(ag, name), ag.ones((1,), dtype=getattr(ag, name))):
        info = ag.iinfo(arg)
        assert (info.bits, info.max, info.min) == (ref.bits, int(ref.max), int(ref.min))
        assert type(info.max) is int
        assert type(info.min) is int
        assert info.dtype == getattr(ag, name)


@pytest.mark.parametrize(
    ("fn", "name"), [("finfo", "int32"), ("finfo", "bool"), ("iinfo", "float32")]
)
def test_info_of_the_wrong_kind_raises(fn, name):
    with pytest.raises((TypeError, ValueError)):
        getattr(ag, fn)(getattr(ag, name))


# -- __array_namespace_info__ ---------------------------------------------------------------
@pytest.fixture
def info():
    return ag.__array_namespace_info__()


def test_devices(info):
    devices = info.devices()
    assert type(devices) is tuple
    assert devices
    assert info.default_device() in devices
    for device in devices:
        # Each must be usable as a creation function's device.
        assert ag.asarray([1.0, 2.0], dtype=ag.float32, device=device).device == device


def test_capabilities(info):
    caps = info.capabilities()
    assert list(caps) == INFO_KEYS["capabilities"]
    assert type(caps["boolean indexing"]) is bool
    assert type(caps["data-dependent shapes"]) is bool
    dims = caps["max dimensions"]
    assert dims is None or (type(dims) is int and dims >= 4)


def test_default_dtypes(info):
    defaults = info.default_dtypes()
    assert sorted(defaults) == sorted(INFO_KEYS["default_dtypes"])
    assert defaults["real floating"] in (ag.float32, ag.float64)
    expected_complex = ag.complex64 if defaults["real floating"] == ag.float32 else ag.complex128
    assert defaults["complex floating"] == expected_complex
    assert defaults["integral"] in (ag.int32, ag.int64)
    assert defaults["indexing"] in (ag.int32, ag.int64)
    assert info.default_dtypes(device=info.default_device()) == defaults
    assert ag.asarray([1.0]).dtype == defaults["real floating"]
    assert ag.asarray([1]).dtype == defaults["integral"]


def _by_name(names: set[str]) -> dict[str, object]:
    return {n: getattr(ag, n) for n in names}


@pytest.mark.parametrize("kind", sorted(KIND_MEMBERS))
def test_dtypes_of_a_kind(info, kind):
    # NumPy, the default backend, has every dtype of the standard.
    assert info.dtypes(kind=kind) == _by_name(KIND_MEMBERS[kind])
    assert info.dtypes(kind=kind, device=info.default_device()) == _by_name(KIND_MEMBERS[kind])


@pytest.mark.parametrize(
    "kinds",
    [("bool", "real floating"), ("signed integer", "complex floating"), ("integral", "numeric")],
)
def test_dtypes_of_a_tuple_of_kinds(info, kinds):
    assert info.dtypes(kind=kinds) == _by_name(set().union(*(KIND_MEMBERS[k] for k in kinds)))


def test_all_dtypes(info):
    assert info.dtypes() == _by_name(set(DTYPES))
    assert info.dtypes(kind=None) == info.dtypes()


def test_dtypes_per_device_are_canonical(info):
    for device in info.devices():
        found = info.dtypes(device=device)
        assert set(found) <= set(DTYPES)
        for name, dtype in found.items():
            assert dtype == getattr(ag, name)
            # Listed means supported: an array of it can be made on that device.
            assert ag.empty((1,), dtype=dtype, device=device).dtype == dtype, (name, device)
