"""The graph: nodes that record how each output was computed, and the recorder that builds them.

A :class:`Node` holds its rule, only the saved values its rule reads, and one edge per input
(``next_functions``: the node that produced the input, or the leaf's :class:`AccumulateGrad`).
Saved tensors remember the version of their buffer: an in-place change after saving is
reported when backward needs the value, never used silently.
"""

from __future__ import annotations

import weakref
from typing import Any

from .. import _dtypes
from .._dispatch import install_recorder
from .._tensor import Tensor, wrap
from ._grad_mode import _local
from ._registry import NONDIFFERENTIABLE, RULES, Rule

__all__ = ["AccumulateGrad", "Node", "gradient_edge", "record"]

_FLOATING = _dtypes.FLOATING



def meta(t: Tensor) -> dict[str, Any]:
    """Return the tensor's autograd metadata dict, creating it on first use."""
    m = t._meta
    if m is None:
        m = t._meta = {}
    return m


def version_counter(t: Tensor) -> list[int]:
    """Return the tensor's version counter (shared with views of the same buffer)."""
    m = meta(t)
    counter = m.get("version")
    if counter is None:
        counter = m["version"] = [0]
    return counter


def bump_version(t: Tensor) -> None:
    """Record an in-place change of the tensor's buffer."""
    m = t._meta
    if m is not None and "version" in m:
        m["version"][0] += 1


class SavedTensor:
    """A tensor value a rule needs later, with the version of its buffer when saved."""

    __slots__ = ("_counter", "_grad_fn", "_leaf", "_output_nr", "_raw", "_version")

    def __init__(self, t: Tensor, *, is_output: bool = False) -> None:
        self._raw = t._data
        counter = version_counter(t)
        self._counter = counter
        self._version = counter[0]
        if t._grad_fn is None:
            self._leaf: Tensor | None = t if t._requires_grad else None
            self._grad_fn = None
        else:
            self._leaf = None
            # An output saved by its own node would make a cycle: the node fills itself in.
            self._grad_fn = None if is_output else t._grad_fn
        self._output_nr = 0 if t._meta is None else t._meta.get("output_nr", 0)

    def check(self, node: Node) -> None:
        """Raise if the saved buffer was changed in place since it was saved."""
        if self._counter[0] != self._version:
            raise RuntimeError(
                f"{node.name()}: one of the tensors needed for gradient computation was "
                f"modified by an in-place operation after it was saved (version "
                f"{self._version}, now {self._counter[0]}). Compute the in-place change "
                "out of place (x = x + y), or on a clone."
            )

    def raw(self) -> Any:
        return self._raw

    def tensor(self, backend: Any, node: Node | None = None) -> Tensor:
        """Return the saved value as a Tensor connected to the graph (for create_graph)."""
        leaf = self._leaf
        if leaf is not None and leaf._data is self._raw:
            return leaf
        t = wrap(self._raw, backend)
        grad_fn = node if node is not None else self._grad_fn
        if grad_fn is not None:
            t._grad_fn = grad_fn
            t._requires_grad = True
            t._meta = {"output_nr": self._output_nr, "version": self._counter}
        return t


class Node:
    """One recorded operation: its rule, saved values and edges to the inputs' nodes."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_backend",
        "_dtypes",
        "_freed",
        "_needs",
        "_params",
        "_raw_inputs",
        "_rule",
        "_saved",
        "_scalars",
        "_shapes",
        "next_functions",
    )
    # Rarely set: class defaults, so recording a node does not pay for them.
    _n_outputs = 1
    _out_meta: tuple | None = None
    _saved_output: tuple | None = None
    _pre_hooks: dict | None = None
    _retained: dict | None = None
    _in_backends: tuple | None = None

    def name(self) -> str:
        """Return the node's readable name, e.g. ``"MulBackward"``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def rule(self) -> Rule:
        """The derivative rule this node runs."""
        return self._rule

    def register_hook(self, fn: Any) -> None:
        """Call ``fn(grad_inputs, grad_outputs)`` after this node computes its gradients."""
        hooks = self._pre_hooks.setdefault("post", [])
        hooks.append(fn)


_NODE_CLASSES: dict[str, type[Node]] = {}


def node_class(name: str) -> type[Node]:
    """Return the Node subclass named after a function (``sin`` -> ``SinBackward``)."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        parts = name.replace(".", "_").split("_")
        camel = name if any(c.isupper() for c in name) else "".join(p.capitalize() for p in parts)
        cls = _NODE_CLASSES[name] = type(f"{camel}Backward", (Node,), {"__slots__": ()})
    return cls


class AccumulateGrad:
    """The node of a leaf: adds the gradient that reaches it into ``leaf.grad``."""

    __slots__ = ("__weakref__", "leaf", "next_functions")

    def __init__(self, leaf: Tensor) -> None:
        self.leaf = leaf
        self.next_functions: tuple = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"

    @property
    def variable(self) -> Tensor:
        """The leaf tensor (PyTorch's name)."""
        return self.leaf


def accumulator(t: Tensor) -> AccumulateGrad:
    """Return the leaf's AccumulateGrad node (one per leaf, kept while a graph uses it)."""
    m = meta(t)
    ref = m.get("acc")
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        m["acc"] = weakref.ref(acc)
    return acc


def gradient_edge(t: Tensor) -> tuple[Any, int]:
    """Return where the gradient of ``t`` flows: (its grad_fn, output number) or its leaf node."""
    fn = t._grad_fn
    if fn is not None:
        m = t._meta
        return fn, 0 if m is None else m.get("output_nr", 0)
    return accumulator(t), 0


def record(name: str, inputs: tuple, params: dict, output: Any) -> None:
    """The recorder installed at the dispatch point: add a node for ``output``."""
    if not _local.enabled:
        return
    rule = RULES.get(name)
    if rule is None:
        outs = output if isinstance(output, tuple) else (output,)
        if name in NONDIFFERENTIABLE or not any(o.dtype in _FLOATING for o in outs):
            return
        raise NotImplementedError(
            f"{name}: arraygrad has no derivative rule for this function, so its result "
            "cannot require grad; compute it under no_grad() or detach() the inputs"
        )
    make_node(rule, inputs, params, output)


def make_node(
    rule: Rule, inputs: tuple, params: dict, output: Any, skip_outputs: frozenset[int] = frozenset()
) -> Node | None:
    """Return a new node computing ``output`` from ``inputs`` (None if no input needs grad).

    The float outputs (but those in ``skip_outputs``) get the node as their ``grad_fn``.
    This runs once per recorded operation: it is written for speed.
    """
    diff = rule.differentiable
    multi = isinstance(output, tuple)
    first = output[0] if multi else output
    backend = first._backend
    in_backends = None
    a = inputs[0] if len(inputs) == 1 else None
    if diff is None and isinstance(a, Tensor) and a._requires_grad:
        # One input that requires grad (the unary functions): no lists to build.
        raw = a._data
        ab = a._backend
        fn = a._grad_fn
        if fn is not None:
            m = a._meta
            edges: Any = ((fn, 0 if m is None else m.get("output_nr", 0)),)
        else:
            edges = ((accumulator(a), 0),)
        needs: Any = _ONE_NEEDED
        shapes: Any = (raw.shape,)
        dtypes: Any = (ab._dtype_from[raw.dtype],)
        scalars: Any = _ONE_TENSOR
        if ab is not backend:
            in_backends = True
    else:
        edges, needs, shapes, dtypes, scalars = [], [], [], [], []
        any_edge = False
        for i, a in enumerate(inputs):
            if isinstance(a, Tensor):
                raw = a._data
                shapes.append(raw.shape)
                ab = a._backend
                dtypes.append(ab._dtype_from[raw.dtype])
                scalars.append(None)
                if ab is not backend:
                    in_backends = True
                if a._requires_grad and (diff is None or diff[i]):
                    fn = a._grad_fn
                    if fn is not None:
                        m = a._meta
                        edges.append((fn, 0 if m is None else m.get("output_nr", 0)))
                    else:
                        edges.append((accumulator(a), 0))
                    needs.append(True)
                    any_edge = True
                    continue
            else:
                shapes.append(())
                dtypes.append(None)
                scalars.append(a)
            edges.append(None)
            needs.append(False)
        if not any_edge:
            return None
        edges, needs, shapes, dtypes, scalars = (
            tuple(edges), tuple(needs), tuple(shapes), tuple(dtypes), tuple(scalars)
        )
    cls = rule._node_cls or rule.node_class
    node = cls.__new__(cls)
    node._rule = rule
    node._freed = False
    node.next_functions = edges
    node._needs = needs
    node._backend = backend
    node._params = params
    node._shapes = shapes if not backend.lazy else _chunked_shapes(inputs, shapes)
    node._dtypes = dtypes
    node._scalars = scalars
    if in_backends:
        # An input of another backend (to_device): its gradient is made there.
        node._in_backends = tuple(x._backend if isinstance(x, Tensor) else None for x in inputs)
    if rule.saves:
        saved: list[Any] = [None] * len(inputs)
        # What a first-order rule reads as ctx.inputs: the saved raw arrays and the scalars.
        raws = list(scalars)
        needed_by = rule.needed_by
        for i in rule.saves:
            a = inputs[i]
            if isinstance(a, Tensor):
                readers = needed_by.get(i) if needed_by else None
                if readers is not None and all(edges[j] is None for j in readers):
                    continue  # only gradients that nobody needs would read it
                saved[i] = SavedTensor(a)
                raws[i] = a._data
        node._raw_inputs = tuple(raws)
    else:
        saved = _NO_SAVED[len(inputs)] if len(inputs) < 4 else [None] * len(inputs)
        node._raw_inputs = node._scalars
    key = params.get("key") if params else None
    if key is not None:
        # Index tensors inside a key are read again by backward: guard them like saved values.
        saved = list(saved)
        for k in key if isinstance(key, tuple) else (key,):
            if isinstance(k, Tensor):
                saved.append(SavedTensor(k))
    node._saved = saved
    if multi:
        outs = output
        node._n_outputs = len(outs)
        node._out_meta = tuple((o.shape, o.dtype) for o in outs)
        dtype_from = backend._dtype_from
        for nr, o in enumerate(outs):
            if nr not in skip_outputs and dtype_from[o._data.dtype] in _FLOATING:
                o._grad_fn = node
                o._requires_grad = True
                meta(o)["output_nr"] = nr
    else:
        outs = (output,)
        if not skip_outputs and backend._dtype_from[output._data.dtype] in _FLOATING:
            output._grad_fn = node
            output._requires_grad = True
    if rule.saves_output:
        node._saved_output = tuple([SavedTensor(o, is_output=True) for o in outs])
    return node


class ChunkedShape(tuple):
    """A lazy (Dask) input's shape that also carries its chunks, for the gradient's chunks.

    Rules read it as the plain shape it is; ``broadcast_gradient`` reads ``chunks`` so that a
    gradient broadcast back to this input (a mean's, a broadcast's) has the input's chunks.
    """

    chunks: tuple


def _chunked_shapes(inputs: tuple, shapes: Any) -> tuple:
    out = []
    for a, s in zip(inputs, shapes, strict=True):
        chunks = getattr(a._data, "chunks", None) if isinstance(a, Tensor) else None
        if chunks is not None:
            s = ChunkedShape(s)
            s.chunks = tuple(chunks)
        out.append(s)
    return tuple(out)


_ONE_NEEDED = (True,)
_ONE_TENSOR = (None,)
# Shared (never mutated) "nothing saved" lists for rules that save nothing.
_NO_SAVED = [(None,) * n for n in range(4)]


def inplace_hook(name: str, target: Tensor, inputs: tuple, params: dict, mutate: Any) -> None:
    """Guard an in-place change: never let it corrupt a gradient.

    Where the change is recorded (grad mode on, and the target or the other operand requires
    grad), the tensor takes the new value in a new buffer (copy-on-write) and the new value's
    history, so a value saved by any node stays as it was. Otherwise the buffer is written in
    place and its version bumped: a node that saved it raises when backward needs it.
    """
    result_fn = params.get("result_fn")
    recorded = _local.enabled and (
        target._requires_grad
        or any(isinstance(a, Tensor) and a._requires_grad for a in inputs[1:])
    )
    if recorded and target._grad_fn is None and target._requires_grad:
        raise RuntimeError(
            f"{name}: a leaf tensor that requires grad is used in an in-place operation; "
            "do it under arraygrad.autograd.no_grad() or on a copy"
        )
    if recorded:
        result = result_fn() if result_fn is not None else _setitem_result(target, inputs, params)
        target._data = result._data
        target._grad_fn = result._grad_fn
        target._requires_grad = result._requires_grad
        m = meta(target)
        m["output_nr"] = 0 if result._meta is None else result._meta.get("output_nr", 0)
        # The new buffer is not a view of the old one: it starts its own version count.
        m["version"] = version_counter(result)
        return
    mutate()
    bump_version(target)


def _setitem_result(target: Tensor, inputs: tuple, params: dict) -> Tensor:
    """Return ``target`` with ``target[key] = value`` applied, out of place and recorded."""
    from .._dispatch import call

    value = inputs[1]
    return call("setitem_functional", (target, value), {"key": params["key"]}, impl=_setitem_impl)


def _setitem_impl(backend: Any, raw: Any, value: Any, *, key: Any) -> Any:
    from .._indexing import assign

    return assign(backend, backend.ns.asarray(raw, copy=True), key, value)


def install() -> None:
    """Install the recorder and the in-place guard at the namespace's dispatch point."""
    install_recorder(record, inplace_hook)

