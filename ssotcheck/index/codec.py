"""FileFacts <-> nested tuples of str/int/bool/None, fast in both directions.

Why: the model's value objects are frozen, slotted dataclasses. Pickle restores those
through a Python-level `__setstate__` (about 10 µs per object), and a 10,000-file project
has ~800,000 of them: pickling facts between processes and to the cache cost more than
parsing. Plain tuples are pickled/marshalled by C code, and decoding sets the slots
directly, which is several times cheaper than calling each class's `__init__`.

The encoders and decoders are generated from the model's own field lists at import time,
so a field added to `ssotcheck.model` is carried without touching this module, and
`LAYOUT` (part of the cache key) changes with it, so an old cache is never misread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from typing import Any, Callable

from ssotcheck import model
from ssotcheck.model import FileFacts

Encoded = tuple  # the encoded form of one dataclass instance


def _model_classes() -> dict[str, type]:
    return {name: obj for name, obj in vars(model).items()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj)
            and obj.__module__ == model.__name__}


def _kind(hint: Any, classes: dict[type, str]) -> tuple[str, type | None]:
    """How one field is encoded: plain | obj | opt (obj or None) | seq (tuple of obj)."""
    if hint in classes:
        return "obj", hint
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1 and inner[0] in classes and len(args) == 2:
            return "opt", inner[0]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] in classes:
        return "seq", args[0]
    return "plain", None


class _Codec:
    def __init__(self) -> None:
        by_name = _model_classes()
        self.classes = {cls: name for name, cls in by_name.items()}
        self.encoders: dict[type, Callable[[Any], Encoded]] = {}
        self.decoders: dict[type, Callable[[Encoded], Any]] = {}
        layout: list[str] = []
        order = self._dependency_order(by_name)
        for cls in order:
            layout.append(self._build(cls))
        self.layout = hashlib.sha256("\n".join(layout).encode()).hexdigest()[:16]

    def _hints(self, cls: type) -> dict[str, Any]:
        return typing.get_type_hints(cls, vars(model))

    def _dependency_order(self, by_name: dict[str, type]) -> list[type]:
        done: list[type] = []

        def visit(cls: type) -> None:
            if cls in done:
                return
            hints = self._hints(cls)
            for f in dataclasses.fields(cls):
                kind, inner = _kind(hints[f.name], self.classes)
                if inner is not None and inner is not cls:
                    visit(inner)
            done.append(cls)

        for name in sorted(by_name):
            visit(by_name[name])
        return done

    def _build(self, cls: type) -> str:
        name = self.classes[cls]
        hints = self._hints(cls)
        fields = dataclasses.fields(cls)
        env: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_map": map,
                               "_tuple": tuple, "_osa": object.__setattr__}
        enc_parts: list[str] = []
        dec_lines = ["def dec(t):", "    o = _new(_cls)"]
        slotted = "__slots__" in cls.__dict__
        # __post_init__ or init=False fields would be skipped by setting slots directly.
        direct = not hasattr(cls, "__post_init__") and all(f.init for f in fields)
        ctor_args: list[str] = []
        for i, f in enumerate(fields):
            kind, inner = _kind(hints[f.name], self.classes)
            get = f"o.{f.name}"
            item = f"t[{i}]"
            if kind == "plain":
                enc, dec = get, item
            else:
                env[f"e_{i}"] = self.encoders[inner]  # type: ignore[index]
                env[f"d_{i}"] = self.decoders[inner]  # type: ignore[index]
                if kind == "obj":
                    enc, dec = f"e_{i}({get})", f"d_{i}({item})"
                elif kind == "opt":
                    enc = f"(None if {get} is None else e_{i}({get}))"
                    dec = f"(None if {item} is None else d_{i}({item}))"
                else:
                    enc = f"_tuple(_map(e_{i}, {get}))"
                    dec = f"_tuple(_map(d_{i}, {item}))"
            enc_parts.append(enc)
            ctor_args.append(dec)
            if slotted:
                env[f"s_{i}"] = cls.__dict__[f.name].__set__
                dec_lines.append(f"    s_{i}(o, {dec})")
            else:
                dec_lines.append(f"    _osa(o, {f.name!r}, {dec})")
        dec_lines.append("    return o")
        if not direct:
            dec_lines = ["def dec(t):", f"    return _cls({', '.join(ctor_args)})"]
        src = "def enc(o):\n    return (" + "".join(p + ", " for p in enc_parts) + ")\n"
        src += "\n".join(dec_lines) + "\n"
        exec(compile(src, f"<ssotcheck codec {name}>", "exec"), env)
        self.encoders[cls] = env["enc"]
        self.decoders[cls] = env["dec"]
        return f"{name}:" + ",".join(f"{f.name}={_kind(hints[f.name], self.classes)[0]}"
                                     for f in fields)


_CODEC = _Codec()
LAYOUT: str = _CODEC.layout
encode_facts: Callable[[FileFacts], Encoded] = _CODEC.encoders[FileFacts]
_decode = _CODEC.decoders[FileFacts]
_PATH = [f.name for f in dataclasses.fields(FileFacts)].index("path")


def decode_facts(t: Encoded, path: str | None = None) -> FileFacts:
    """Rebuild FileFacts; `path` renames them (facts are shared by identical contents)."""
    if path is not None and t[_PATH] != path:
        t = t[:_PATH] + (path,) + t[_PATH + 1:]
    return _decode(t)


def encoder(cls: type) -> Callable[[Any], Encoded]:
    """The tuple encoder of any model dataclass (findings and concepts too)."""
    return _CODEC.encoders[cls]


def decoder(cls: type) -> Callable[[Encoded], Any]:
    return _CODEC.decoders[cls]
