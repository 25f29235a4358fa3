"""The rule table: one derivative rule per differentiable function, with its input domain.

A rule is array-API code: ``backward(xp, ctx, g)`` returns the gradient of each input given
the gradient ``g`` of the output. First-order backward runs it with ``xp`` the backend
namespace on raw arrays; ``create_graph=True`` runs the same rule with ``xp = arraygrad`` on
Tensors, so the backward pass is itself recorded and can be differentiated again.
Broadcasting and dtype are undone by the engine (``unbroadcast``), never inside a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter as _itemgetter
from typing import Any

import array_api_compat

__all__ = [
    "NONDIFFERENTIABLE",
    "RULES",
    "Ctx",
    "Domain",
    "Rule",
    "conj",
    "device_of",
    "rule",
    "unbroadcast",
]


@dataclass(frozen=True)
class Domain:
    """Where a rule is valid, per array argument: the values the property tests draw.

    ``low``/``high`` bound the real parts, ``avoid`` lists points (ties, kinks, poles) the
    values keep ``gap`` away from, ``kind`` names structured inputs ("spd", "square",
    "well-conditioned", "distinct-eigenvalues", "index", "bool").
    """

    low: float = -3.0
    high: float = 3.0
    avoid: tuple[float, ...] = ()
    gap: float = 1e-2
    kind: str | None = None


@dataclass(frozen=True)
class Rule:
    """The derivative rule of one function."""

    name: str
    backward: Callable[..., Any]
    saves: tuple[int, ...] = ()
    saves_output: bool = False
    domains: tuple[Domain, ...] = ()
    second_order: bool = True
    multi_output: bool = False
    notes: str = ""
    # Per input position: whether it can carry a gradient (index and mask arguments cannot).
    differentiable: tuple[bool, ...] | None = None
    # sample(draw, dtype, device) -> (fn, tensors): a call of the function for the property
    # tests (arraygrad.testing); None: the function of the same name on its domains.
    sample: Callable[..., Any] | None = None
    # Whether the rule is checked with complex inputs as well as real ones.
    complex_inputs: bool = True
    # {saved input: input positions whose gradients read it}: a saved input is kept only
    # when one of those gradients is needed (``y * 1.01`` need not keep y).
    needed_by: dict[int, tuple[int, ...]] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # Whether backward reads saved values (then a freed graph cannot run again).
    has_saved: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        # Read on every backward step: computed once.
        object.__setattr__(self, "has_saved", bool(self.saves) or self.saves_output)

    # The Node subclass named after the function (``SinBackward``), made on first use.
    _node_cls: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def node_class(self) -> type:
        """The Node subclass named after the function (``SinBackward``), made once."""
        cls = self._node_cls
        if cls is None:
            from ._graph import node_class

            cls = node_class(self.name)
            object.__setattr__(self, "_node_cls", cls)
        return cls


RULES: dict[str, Rule] = {}

# Functions whose outputs never require grad (integer or boolean results, or piecewise
# constant by definition of the standard's dtype rules), with the reason.
NONDIFFERENTIABLE: dict[str, str] = {}


class Ctx(tuple):
    """What a rule reads: the saved inputs, the output, the parameters, shapes and dtypes.

    A tuple underneath: the engine makes one per backward step with ``tuple.__new__`` (in C),
    and the fields are read through C-level item getters.
    """

    __slots__ = ()

    def __new__(
        cls,
        inputs: tuple[Any, ...],
        output: Any,
        params: dict[str, Any],
        shapes: tuple[Any, ...],
        dtypes: tuple[Any, ...],
        needs: tuple[bool, ...],
        backend: Any,
    ) -> Ctx:
        return tuple.__new__(cls, (inputs, output, params, shapes, dtypes, needs, backend))

    inputs = property(_itemgetter(0), doc="The saved inputs (None where not saved), scalars as given.")
    output = property(_itemgetter(1), doc="The saved output (or tuple of outputs), if the rule saves it.")
    params = property(_itemgetter(2), doc="The function's keyword parameters.")
    shapes = property(_itemgetter(3), doc="The inputs' shapes.")
    dtypes = property(_itemgetter(4), doc="The inputs' arraygrad dtypes (None for scalars).")
    needs = property(_itemgetter(5), doc="Per input: whether its gradient is needed.")
    backend = property(_itemgetter(6), doc="The backend the node ran on.")


def rule(
    name: str | Sequence[str],
    *,
    saves: Sequence[int] = (),
    saves_output: bool = False,
    domains: Sequence[Domain] = (),
    second_order: bool = True,
    multi_output: bool = False,
    differentiable: Sequence[bool] | None = None,
    notes: str = "",
    sample: Callable[..., Any] | None = None,
    complex_inputs: bool = True,
    needed_by: dict[int, tuple[int, ...]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``backward(xp, ctx, g)`` as the rule of ``name`` (or of several names)."""
    names = (name,) if isinstance(name, str) else tuple(name)

    def register(backward: Callable[..., Any]) -> Callable[..., Any]:
        for n in names:
            if n in RULES:
                raise ValueError(f"autograd: a rule for {n!r} is already registered")
            RULES[n] = Rule(
                name=n,
                backward=backward,
                saves=tuple(saves),
                saves_output=saves_output,
                domains=tuple(domains),
                second_order=second_order,
                multi_output=multi_output,
                differentiable=None if differentiable is None else tuple(differentiable),
                notes=notes,
                sample=sample,
                complex_inputs=complex_inputs,
                needed_by=needed_by,
            )
        return backward

    return register


def nondifferentiable(names: Sequence[str], reason: str) -> None:
    """Declare functions whose outputs never carry gradients."""
    for n in names:
        NONDIFFERENTIABLE[n] = reason


def conj(xp: Any, a: Any) -> Any:
    """Return the complex conjugate of ``a``; real arrays and Python scalars come back as they are."""
    if isinstance(a, (int, float)):
        return a
    if isinstance(a, complex):
        return a.conjugate()
    if xp.isdtype(a.dtype, "complex floating"):
        return xp.conj(a)
    return a


def device_of(a: Any) -> Any:
    """Return the device to make ``a``'s companions on: a Tensor's, or a raw array's native one.

    Note: rules run on raw arrays whose library may have no ``.device`` attribute (Dask);
    ``array_api_compat.device`` answers for every backend.
    """
    from .._tensor import Tensor

    return a.device if isinstance(a, Tensor) else array_api_compat.device(a)


def broadcast_gradient(xp: Any, g: Any, shape: tuple[int, ...]) -> Any:
    """Return ``g`` broadcast to ``shape``: the gradient of a reduction or of a broadcast.

    Note: on Dask, ``broadcast_to`` gives the new axes one chunk spanning them, and the first
    operation that materializes the gradient (``-g``) then builds an array of the input's size
    in a single task: memory grew with the data (examples/scale_logistic_dask.py). Here the
    new and stretched axes take the input's chunks (``shape`` is then a ``ChunkedShape``,
    recorded by the node), else Dask's automatic size; each chunk stays a view of ``g``.
    """
    hint = getattr(shape, "chunks", None)
    shape = tuple(shape)
    if array_api_compat.is_dask_namespace(xp):
        import dask.array as da

        if any(_unknown(s) for s in shape):
            raise ValueError(
                f"backward: cannot broadcast a gradient of shape {tuple(g.shape)} to shape "
                f"{shape}: Dask does not know a size (data-dependent: a boolean mask, nonzero, "
                "unique); compute the sizes first (dask's compute_chunk_sizes)"
            )

        lead = len(shape) - g.ndim
        spec = tuple(
            g.chunks[i - lead]
            if i >= lead and g.shape[i - lead] == shape[i] and shape[i] != 1
            else (hint[i] if hint is not None else "auto")
            for i in range(len(shape))
        )
        chunks = da.core.normalize_chunks(spec, shape, dtype=g.dtype)
        return da.broadcast_to(g, shape, chunks=chunks)
    return xp.broadcast_to(g, shape)


def _unknown(size: Any) -> bool:
    """Whether a size is unknown: None (the standard) or NaN (Dask)."""
    return size is None or size != size


def _same_shape(a: tuple, b: tuple) -> bool:
    """Shape equality where an unknown size equals an unknown size (NaN is not NaN)."""
    return a == b or (
        len(a) == len(b) and all(x == y or (_unknown(x) and _unknown(y)) for x, y in zip(a, b, strict=True))
    )


def unbroadcast(xp: Any, g: Any, shape: tuple[int, ...]) -> Any:
    """Return ``g`` summed over the axes that broadcasting added or stretched to reach its shape."""
    gshape = tuple(g.shape)
    if _same_shape(gshape, tuple(shape)):
        return g
    lead = len(gshape) - len(shape)
    if lead > 0:
        g = xp.sum(g, axis=tuple(range(lead)))
    elif lead < 0:
        # A gradient smaller than the input (e.g. a broadcast seed): stretch it.
        return broadcast_gradient(xp, g, shape)
    stretched = tuple(i for i, (gs, s) in enumerate(zip(g.shape, shape, strict=False)) if s == 1 and gs != 1)
    if stretched:
        g = xp.sum(g, axis=stretched, keepdims=True)
    if not _same_shape(tuple(g.shape), tuple(shape)):
        g = broadcast_gradient(xp, g, shape)
    return g


def rules_markdown() -> str:
    """Return the Markdown table of every rule and its notes (``docs/rules.md``)."""
    lines = [
        "# Derivative rules",
        "",
        "Generated from the rule registry (`arraygrad.autograd.RULES`) by",
        "`arraygrad.autograd._registry.rules_markdown()`; a test keeps this page equal to it.",
        "Each rule's notes give its formula where it is not the textbook one, and its choice at",
        "non-differentiable points, ties and poles (PyTorch's, unless said otherwise).",
        "",
        "| function | second order | notes |",
        "|---|---|---|",
    ]
    for name in sorted(RULES):
        r = RULES[name]
        notes = " ".join(r.notes.split()).replace("|", "\\|") or "textbook derivative"
        lines.append(f"| `{name}` | {'yes' if r.second_order else 'no'} | {notes} |")
    lines += [
        "",
        "## Functions without gradients",
        "",
        "| function | why |",
        "|---|---|",
    ]
    for name in sorted(NONDIFFERENTIABLE):
        lines.append(f"| `{name}` | {NONDIFFERENTIABLE[name]} |")
    return "\n".join(lines) + "\n"
