"""Write ``standard_2025_12.json``: every name and signature of the array API standard.

The source is the standard's own spec stubs (``src/array_api_stubs/_2025_12`` in the
data-apis/array-api repository, also the ``array-api`` submodule of array-api-tests) and
two pages of its rst text (the dtype table, the reflected and in-place operators), read with
``ast`` and a few regular expressions; nothing is imported. The JSON is committed, so the
conformance tests need neither checkout::

    python conformance/make_standard_table.py /path/to/array-api/src/array_api_stubs/_2025_12

``--spec DIR`` names the rst directory (``spec/2025.12/API_specification``) when it is not
where the stubs' repository keeps it.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("standard_2025_12.json")
VERSION = "2025.12"

_KINDS = (
    "positional-only",
    "positional-or-keyword",
    "var-positional",
    "keyword-only",
    "var-keyword",
)


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _dunder_all(module: ast.Module) -> list[str]:
    for node in module.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise ValueError("the stub module has no __all__")


def _param(name: str, kind: str, default: ast.expr | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "kind": kind}
    if default is not None:
        # The default as the stub writes it: a literal, or a name of the standard (``inf``).
        entry["default"] = ast.unparse(default)
    return entry


def signature(fn: ast.FunctionDef) -> list[dict[str, Any]]:
    """Return the parameters of a stub function: name, kind and the default's source."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(
        a.defaults
    )
    params = []
    for i, arg in enumerate(positional):
        kind = "positional-only" if i < len(a.posonlyargs) else "positional-or-keyword"
        params.append(_param(arg.arg, kind, defaults[i]))
    if a.vararg is not None:
        params.append(_param(a.vararg.arg, "var-positional", None))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        params.append(_param(arg.arg, "keyword-only", default))
    if a.kwarg is not None:
        params.append(_param(a.kwarg.arg, "var-keyword", None))
    return params


def functions(module: ast.Module, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the signatures of the module-level functions named in ``names``."""
    defs = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    missing = [n for n in names if n not in defs]
    if missing:
        raise ValueError(f"__all__ names without a def: {missing}")
    return {n: signature(defs[n]) for n in names}


def array_object(module: ast.Module, rst: str) -> dict[str, Any]:
    """Return the array object's attributes (properties) and methods with their signatures."""
    cls = next(n for n in module.body if isinstance(n, ast.ClassDef))
    attributes, methods = [], {}
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef) or node.name == "__init__":
            continue
        if any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list):
            attributes.append(node.name)
        else:
            methods[node.name] = signature(node)
    # The stubs hold the binary operators only; the reflected and in-place ones are listed
    # in the rst (``__radd__``, "May be implemented via ``__iadd__``") and take the same
    # parameters as the operator they mirror.
    reflected = re.findall(r"^-\s+``(__r[a-z]+__)``\s*$", rst, flags=re.M)
    in_place = re.findall(r"via ``(__i[a-z]+__)``", rst)
    if len(reflected) != 13 or len(in_place) != 13:
        raise ValueError(f"expected 13 reflected and 13 in-place operators: {reflected} {in_place}")
    for extra in sorted(reflected + in_place):
        base = "__" + extra[3:]
        if base not in methods:
            raise ValueError(f"{extra} in the rst mirrors no operator of the stubs")
        methods[extra] = methods[base]
    return {"attributes": sorted(attributes), "methods": dict(sorted(methods.items()))}


def dtype_names(rst: str) -> list[str]:
    """Return the dtype names of the table on the "Data Types" page."""
    names = re.findall(r"^\| (bool|u?int\d+|float\d+|complex\d+) +\|", rst, flags=re.M)
    if len(names) != 13:
        raise ValueError(f"expected the 13 dtypes of the standard, found {names}")
    return names


def info_keys(module: ast.Module) -> dict[str, list[str]]:
    """Return the keys the info functions' dictionaries must have, and the dtype kinds."""
    docs = {
        n.name: ast.get_docstring(n) or "" for n in module.body if isinstance(n, ast.FunctionDef)
    }
    keys = {
        "capabilities": re.findall(r'^\s*-\s+`"([^"]+)"`:', docs["capabilities"], flags=re.M),
        "default_dtypes": re.findall(r'^\s*-\s+`"([^"]+)"`:', docs["default_dtypes"], flags=re.M),
        "dtypes_kinds": re.findall(r"^\s*-\s+``'([a-z ]+)'``:", docs["dtypes"], flags=re.M),
    }
    if not all(keys.values()):
        raise ValueError(f"keys not found in the info stubs' docstrings: {keys}")
    return keys


def build(stubs: Path, spec: Path) -> dict[str, Any]:
    """Return the table: names per module and the signature of every function."""
    init = _parse(stubs / "__init__.py")
    star = [
        n.module
        for n in init.body
        if isinstance(n, ast.ImportFrom) and n.names[0].name == "*" and n.module
    ]
    extensions = [
        a.name
        for n in init.body
        if isinstance(n, ast.ImportFrom) and n.module is None
        for a in n.names
        if a.asname is None
    ]
    namespace: dict[str, Any] = {}
    constants: list[str] = []
    for mod in star:
        if mod == "array_object":  # its __all__ is the type name ``array``, not an API
            continue
        tree = _parse(stubs / f"{mod}.py")
        names = _dunder_all(tree)
        if mod == "constants":
            constants = names
            continue
        namespace.update(functions(tree, names))
    info_tree = _parse(stubs / "info.py")
    info_names = [n for n in _dunder_all(info_tree) if n != "__array_namespace_info__"]
    table = {
        "version": VERSION,
        "source": "data-apis/array-api: src/array_api_stubs/_2025_12, spec/2025.12/API_specification",
        "kinds": list(_KINDS),
        "dtypes": dtype_names((spec / "data_types.rst").read_text(encoding="utf-8")),
        "constants": sorted(constants),
        "objects": sorted(["__array_api_version__", "__array_namespace_info__", *extensions]),
        "functions": dict(sorted(namespace.items())),
        "extensions": {},
        "info": functions(info_tree, sorted(info_names)),
        "info_keys": info_keys(info_tree),
        "array": array_object(
            _parse(stubs / "array_object.py"),
            (spec / "array_object.rst").read_text(encoding="utf-8"),
        ),
    }
    for ext in sorted(extensions):
        tree = _parse(stubs / f"{ext}.py")
        table["extensions"][ext] = dict(sorted(functions(tree, _dunder_all(tree)).items()))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stubs", type=Path, help="the _2025_12 directory of the spec stubs")
    parser.add_argument("--spec", type=Path, help="the spec's API_specification directory")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    stubs = args.stubs.resolve()
    # src/array_api_stubs/_2025_12 -> spec/2025.12/API_specification in the same repository.
    spec = args.spec or stubs.parents[2] / "spec" / VERSION / "API_specification"
    table = build(stubs, spec)
    args.output.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    n = len(table["functions"]) + sum(len(v) for v in table["extensions"].values())
    print(f"wrote {args.output}: {n} functions, {len(table['array']['methods'])} array methods")
    return 0


if __name__ == "__main__":
    sys.exit(main())
