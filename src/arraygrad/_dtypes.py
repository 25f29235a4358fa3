"""arraygrad's data types: backend-independent objects, categories and the promotion table.

A :class:`DType` is a singleton (``arraygrad.float64`` ...). Each backend keeps its own
two-way map between these objects and its native dtypes (see ``_backend.py``), so
``t.dtype`` is the same object whatever array a tensor wraps.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DType",
    "bool",
    "complex64",
    "complex128",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
]

_builtin_bool = bool


class DType:
    """A data type of the array API standard, valid for every backend."""

    __slots__ = ("_bits", "_kind", "_name")

    def __init__(self, name: str, kind: str, bits: int) -> None:
        self._name = name
        self._kind = kind  # "b", "i", "u", "f", "c"
        self._bits = bits

    @property
    def name(self) -> str:
        """The dtype's standard name, e.g. ``"float64"``."""
        return self._name

    @property
    def kind(self) -> str:
        """One letter: ``b`` bool, ``i`` signed, ``u`` unsigned, ``f`` real float, ``c`` complex."""
        return self._kind

    @property
    def bits(self) -> int:
        """The width in bits (complex: both parts together)."""
        return self._bits

    @property
    def itemsize(self) -> int:
        """The width in bytes."""
        return max(self._bits // 8, 1)

    def __repr__(self) -> str:
        return f"arraygrad.{self._name}"

    __str__ = __repr__

    # Note: equality and hashing are object identity (inherited, in C: dtypes are hashed on
    # every dispatch): dtypes are singletons, even through pickle (__reduce__). Comparing with a
    # backend dtype is False, as the standard leaves cross-library dtype equality undefined.

    def __reduce__(self) -> str:
        return self._name


bool: Final = DType("bool", "b", 8)
int8: Final = DType("int8", "i", 8)
int16: Final = DType("int16", "i", 16)
int32: Final = DType("int32", "i", 32)
int64: Final = DType("int64", "i", 64)
uint8: Final = DType("uint8", "u", 8)
uint16: Final = DType("uint16", "u", 16)
uint32: Final = DType("uint32", "u", 32)
uint64: Final = DType("uint64", "u", 64)
float32: Final = DType("float32", "f", 32)
float64: Final = DType("float64", "f", 64)
complex64: Final = DType("complex64", "c", 64)
complex128: Final = DType("complex128", "c", 128)

ALL: Final = (
    bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
    float32, float64, complex64, complex128,
)  # fmt: skip
BY_NAME: Final = {d.name: d for d in ALL}

# Categories of the standard ("Data type categories").
BOOLEAN: Final = frozenset({bool})
SIGNED: Final = frozenset({int8, int16, int32, int64})
UNSIGNED: Final = frozenset({uint8, uint16, uint32, uint64})
INTEGER: Final = SIGNED | UNSIGNED
REAL_FLOATING: Final = frozenset({float32, float64})
COMPLEX_FLOATING: Final = frozenset({complex64, complex128})
FLOATING: Final = REAL_FLOATING | COMPLEX_FLOATING
REAL_NUMERIC: Final = INTEGER | REAL_FLOATING
NUMERIC: Final = INTEGER | FLOATING
INTEGER_OR_BOOLEAN: Final = INTEGER | BOOLEAN
ALL_DTYPES: Final = frozenset(ALL)

CATEGORIES: Final = {
    "bool": BOOLEAN,
    "boolean": BOOLEAN,
    "signed integer": SIGNED,
    "unsigned integer": UNSIGNED,
    "integer": INTEGER,
    "real floating": REAL_FLOATING,
    "complex floating": COMPLEX_FLOATING,
    "floating": FLOATING,
    "floating-point": FLOATING,
    "real floating-point": REAL_FLOATING,
    "complex floating-point": COMPLEX_FLOATING,
    "real numeric": REAL_NUMERIC,
    "numeric": NUMERIC,
    "integer or boolean": INTEGER_OR_BOOLEAN,
    "all": ALL_DTYPES,
}

# The kinds accepted by ``isdtype``.
ISDTYPE_KINDS: Final = {
    "bool": BOOLEAN,
    "signed integer": SIGNED,
    "unsigned integer": UNSIGNED,
    "integral": INTEGER,
    "real floating": REAL_FLOATING,
    "complex floating": COMPLEX_FLOATING,
    "numeric": NUMERIC,
}

REAL_OF: Final = {complex64: float32, complex128: float64}
COMPLEX_OF: Final = {float32: complex64, float64: complex128}


def _build_promotion() -> dict[tuple[DType, DType], DType]:
    table: dict[tuple[DType, DType], DType] = {}

    def chain(kind_dtypes: tuple[DType, ...]) -> None:
        for i, a in enumerate(kind_dtypes):
            for b in kind_dtypes[i:]:
                table[a, b] = table[b, a] = b

    chain((int8, int16, int32, int64))
    chain((uint8, uint16, uint32, uint64))
    # Mixed signedness: the smallest signed type holding both; uint64 with a signed
    # type is left undefined by the standard.
    for u, s_min in ((uint8, int16), (uint16, int32), (uint32, int64)):
        for s in (int8, int16, int32, int64):
            table[u, s] = table[s, u] = max(s_min, s, key=lambda d: d.bits)
    chain((float32, float64))
    chain((complex64, complex128))
    for f in (float32, float64):
        for c in (complex64, complex128):
            table[f, c] = table[c, f] = complex128 if 64 in (f.bits, c.bits // 2) else complex64
    table[bool, bool] = bool
    return table


PROMOTION: Final = _build_promotion()


def promote(a: DType, b: DType, op: str = "result_type") -> DType:
    """Return the standard's result dtype of ``a`` and ``b``; TypeError where it is undefined."""
    if a is b:
        return a
    try:
        return PROMOTION[a, b]
    except KeyError:
        raise TypeError(
            f"{op}: the array API standard defines no promotion of {a.name} with {b.name} "
            "(mixed kinds are not promoted); cast one of them with astype() first"
        ) from None


def as_dtype(dtype: object, op: str = "dtype") -> DType:
    """Return arraygrad's DType for a DType, a standard name or a backend dtype."""
    if isinstance(dtype, DType):
        return dtype
    if isinstance(dtype, str) and dtype in BY_NAME:
        return BY_NAME[dtype]
    # A backend dtype (numpy.float64, torch.float64, array_api_strict.float64 ...).
    name = getattr(dtype, "name", None)
    if not isinstance(name, str):
        # NumPy's scalar types (numpy.float32) name their dtype through numpy.dtype.
        try:
            import numpy as np

            name = np.dtype(dtype).name  # type: ignore[call-overload]
        except TypeError:
            name = str(dtype).rpartition(".")[2]
    if isinstance(name, str) and name in BY_NAME:
        return BY_NAME[name]
    raise TypeError(f"{op}: {dtype!r} is not a data type of the array API standard")
