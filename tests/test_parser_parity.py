"""The stdlib-ast fast path and the libcst fallback must extract identical facts.

libcst is the parser of record for files the host `ast` rejects (3.12 f-strings on 3.11);
if the two paths drifted, the same concept would look different depending on which
parser happened to read it, and duplicate / legacy-import findings would flicker.

The corpus lives in tests/fixtures/parity/ (one file per theme). Each file is also run in
layout variants (CRLF, CR-only endings, tab indentation, a non-ASCII prefix line) since
columns are where the two parsers differ most (ast counts UTF-8 bytes, libcst characters).
"""

from __future__ import annotations

import ast
import random
import string
import warnings
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ssotcheck.index.extract import extract, facts_from_ast
from ssotcheck.index.options import ExtractOptions
from ssotcheck.index.extract_cst import CstUnavailable, facts_from_cst
from ssotcheck.model import FileFacts

from tests.conftest import FIXTURES

CORPUS_DIR = FIXTURES / "parity"
CORPUS = sorted(CORPUS_DIR.glob("*.py"))
OPTIONS = ExtractOptions(banned=("os.environ", "os.getenv"))
# Error kinds `extract` may report; "internal" (an ssotcheck bug) is deliberately absent.
EXPECTED_ERROR_KINDS = {"syntax", "encoding", "binary", "nul-byte", "too-deep", "too-large"}


def _parse(text: str) -> ast.Module:
    # Mutated sources hold invalid escapes; their warnings are noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def _differences(a: FileFacts, b: FileFacts) -> list[str]:
    """Readable field-by-field differences, so a parity failure says what drifted."""
    out = []
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x == y:
            continue
        if isinstance(x, tuple) and isinstance(y, tuple):
            pairs = [f"  ast: {u}\n  cst: {v}" for u, v in zip(x, y) if u != v]
            if len(x) != len(y):
                pairs.append(f"  lengths: ast {len(x)}, cst {len(y)}")
            out.append(f"{f.name}:\n" + "\n".join(pairs[:5]))
        else:
            out.append(f"{f.name}: ast {x!r} != cst {y!r}")
    return out


def assert_parity(text: str, path: str = "m.py", options: ExtractOptions = OPTIONS) -> FileFacts:
    """Both libcst modes (sub-expressions re-parsed by ast, and converted from libcst)
    must equal the ast facts; returns them for further checks."""
    expected = facts_from_ast(path, text, _parse(text), "digest", options)
    for reparse in (True, False):
        got = facts_from_cst(path, text, "digest", options, reparse=reparse)
        assert got.parser == "libcst"
        diff = _differences(expected, replace(got, parser="ast"))
        assert not diff, f"reparse={reparse}\n" + "\n".join(diff)
    return expected


def _variants(text: str) -> dict[str, str]:
    return {
        "as-is": text,
        "crlf": text.replace("\n", "\r\n"),
        "cr": text.replace("\n", "\r"),
        "tabs": text.replace("    ", "\t"),
        "non-ascii-prefix": "ß = 'ŝ€'; " + text.replace("\n", "\n", 1),
    }


VARIANT_CASES = [(p, name) for p in CORPUS for name in _variants("")]


def test_corpus_is_present() -> None:
    assert {p.name for p in CORPUS} >= {"imports.py", "classes.py", "expressions.py",
                                         "misc.py", "unicode_layout.py", "main_guard.py"}


@pytest.mark.parametrize(("path", "variant"), VARIANT_CASES,
                         ids=[f"{p.stem}-{v}" for p, v in VARIANT_CASES])
def test_corpus_parity(path: Path, variant: str) -> None:
    text = _variants(path.read_text(encoding="utf-8"))[variant]
    try:
        ast.parse(text)
    except SyntaxError:
        pytest.skip(f"the {variant} variant of {path.name} is not valid Python")
    facts = assert_parity(text, path.name)
    # A parity test over empty facts would prove nothing: every corpus file is built to
    # yield plenty.
    assert facts.imports and (facts.classes or facts.functions or facts.constants)


def test_corpus_facts_are_the_expected_ones() -> None:
    """Spot checks that the shared facts are right, not merely equal."""
    imports = assert_parity((CORPUS_DIR / "imports.py").read_text(encoding="utf-8"))
    by_alias = {i.bound_name: i for i in imports.imports}
    assert by_alias["par"].level == 2 and by_alias["par"].name == "parent"
    assert by_alias["grand"].level == 3 and by_alias["grand"].module == ""
    assert by_alias["heavy"].type_checking and not by_alias["heavy"].in_try
    assert by_alias["never"].type_checking  # elif typing.TYPE_CHECKING
    assert not by_alias["runtime_only"].type_checking  # `if not TYPE_CHECKING`
    assert by_alias["typing_only"].type_checking  # t.TYPE_CHECKING
    assert by_alias["json_impl"].in_try and by_alias["speedup"].in_try
    assert not by_alias["not_a_shim"].in_try  # except KeyError is no import shim
    assert by_alias["generic_shim"].in_try  # bare except catches ImportError
    assert by_alias["both_flags"].in_function and by_alias["both_flags"].type_checking
    assert by_alias["in_async_for"].in_function
    assert not by_alias["in_class_body"].in_function
    star = [i for i in imports.imports if i.name == "*"]
    assert len(star) == 1 and star[0].module == "mod" and star[0].level == 1
    snd = by_alias["snd"]
    assert (snd.span.line, snd.span.column, snd.span.end_column) == (13, 4, 17)
    assert (snd.stmt_span.line, snd.stmt_span.end_line) == (11, 15)
    # Source order, which `__all__ += ...` and first-definition-wins logic rely on.
    assert [i.bound_name for i in imports.imports][:4] == ["annotations", "os", "os", "abc"]

    classes = assert_parity((CORPUS_DIR / "classes.py").read_text(encoding="utf-8"))
    by_name = {c.qualname: c for c in classes.classes}
    color = {m.name: m for m in by_name["Color"].members}
    assert color["RED"].value == "auto()" and color["GREEN"].value == "enum.auto()"
    assert color["NEG"].value == "-1" and color["NEG_FLOAT"].value == "-2.5"
    assert color["TUPLE"].value == "(1, 'a', None)" and color["NESTED"].value == "<expr>"
    assert color["CONCAT"].value == "'ab'" and color["FSTR"].value == "<expr>"
    assert color["A"].value == color["B"].value == "7"
    assert "C" not in color  # tuple targets are not members
    assert by_name["Color.Inner.Deeper"].nested
    assert by_name["Level"].keywords == (("metaclass", "enum.EnumMeta"), ("boundary", "enum.STRICT"))
    event = {m.name: m for m in by_name["Event"].members}
    assert event["type"].literals == ("agent_started",) and event["type"].annotation == "Literal"
    assert event["kind"].literals == ("a", "b") and event["kind"].annotation == "typing.Literal"
    assert event["final"].literals == ("f",) and event["ann"].literals == ("x", "y")
    assert event["either"].annotation is None  # `Literal[...] | None` is a BinOp
    assert by_name["Payload"].keywords == (("total", "False"),)
    payload = {m.name: m for m in by_name["Payload"].members}
    assert payload["type"].literals == ("tool_called",)
    assert by_name["Decorated"].decorators == (
        "decorator", "module.decorator", "factory", "items")
    assert by_name["Decorated"].bases == ("Base", "mixins.Mixin", "Generic")
    assert by_name["factory.LocalClass"].nested
    assert [m.name for m in by_name["OneLine"].members] == ["x", "y", "z"]
    # One spelling of each field's type, whichever way it is written.
    assert {m.name: m.type for m in by_name["Typed"].members} == {
        "maybe": "str | None", "union": "int | None", "quoted": "list[Item]",
        "wrapped": "dict[str, int]", "called": None, "plain": "str",
        # A union inside a member of a union stays inside it.
        "nested": "list[int | None] | None"}
    assert event["either"].type is not None and event["either"].type.endswith(" | None")

    misc = assert_parity((CORPUS_DIR / "misc.py").read_text(encoding="utf-8"))
    assert misc.all_names == ("alpha", "beta", "gamma", "delta")
    assert [f.name for f in misc.functions] == ["alpha", "beta", "gamma", "walrus", "generator",
                                                "nested_defs", "uses_global"]
    assert [f.is_async for f in misc.functions][:3] == [False, True, True]
    assert any(s.file_level and s.codes == () for s in misc.suppressions)  # ignore-file
    assert any(s.codes == ("SSOT201", "SSOT203") for s in misc.suppressions)


def test_main_guard_facts() -> None:
    """Both parsers flag exactly the imports under a module-level `__name__ == "__main__"`
    (either order, at any depth inside it), and nothing in its `else`/`elif` or under a
    look-alike test. The corpus-wide parity test runs this file in every layout variant."""
    facts = assert_parity((CORPUS_DIR / "main_guard.py").read_text(encoding="utf-8"))
    by_name = {i.bound_name: i for i in facts.imports}
    guarded = {n for n, i in by_name.items() if i.in_main_guard}
    assert guarded == {n for n in by_name if n.startswith("guarded")}
    assert len(guarded) == 17 and len(by_name) - len(guarded) == 16
    # The other flags are kept as they are: a guarded import can be in a try shim, under
    # TYPE_CHECKING or in a function as well.
    assert by_name["guarded_try"].in_try and by_name["guarded_inside_try"].in_try
    assert by_name["guarded_type_checking"].type_checking
    assert by_name["guarded_func"].in_function and not by_name["guarded_class"].in_function
    assert not by_name["guarded"].in_try and not by_name["guarded"].type_checking
    assert by_name["in_function_only"].in_function  # a guard inside a def is not recognised


def test_main_guard_cst_converter_alone() -> None:
    """The libcst -> ast converter (used when a test has 3.12-only syntax in it) builds the
    guard's comparison itself, and only a single `==` of it."""
    for source, guarded in [('if __name__ == "__main__":\n    import a\n', True),
                            ("if '__main__' == __name__:\n    import a\n", True),
                            ('if __name__ != "__main__":\n    import a\n', False),
                            ('if __name__ == "__main__" == x:\n    import a\n', False),
                            ('if __name__ < "__main__":\n    import a\n', False)]:
        facts = facts_from_cst("m.py", source, "d", OPTIONS, reparse=False)
        assert [i.in_main_guard for i in facts.imports] == [guarded], source
        assert_parity(source)


def test_expression_facts() -> None:
    facts = assert_parity((CORPUS_DIR / "expressions.py").read_text(encoding="utf-8"))
    events = {(d.event, d.in_function) for d in facts.dict_literals}
    assert {("agent_started", None), ("nested_event", None), ("tool_called", "handler"),
            ("from_decorator", "Service.run"), ("from_default", "Service.run"),
            ("in_list", "Service.run"), ("from_case", "matcher"), ("in_lambda", None),
            ("in_fstring", None), ("second_wins", None)} <= events
    # The pre-screen works per statement: a key spelled so that it does not look like
    # `"type":` in the text (`"ty" "pe"`) is missed by both parsers alike, even in a file
    # whose other statements have discriminator keys.
    assert "concat" not in {d.event for d in facts.dict_literals}
    assert "spread" not in {d.event for d in facts.dict_literals}  # `**EVENT` in it
    assert "x" not in {d.event for d in facts.dict_literals}  # computed key
    lines = (CORPUS_DIR / "expressions.py").read_text(encoding="utf-8").splitlines()

    def text_of(u):  # noqa: ANN001, ANN202 - tiny local helper
        return lines[u.span.line - 1][u.span.column:u.span.end_column]

    chains = {(u.chain, u.is_call) for u in facts.name_uses}
    assert ("os.environ.get", True) in chains and ("os.getenv", True) in chains
    assert ("env", False) in chains and ("ge", True) in chains  # aliased imports
    assert all(text_of(u).replace("(", "").replace(")", "") == u.chain for u in facts.name_uses)
    # Bindings are not uses: parameter names, `def environ`, `class environ`,
    # `except ... as environ`, `global environ`, loop / with / walrus targets.
    binding_lines = {i + 1 for i, line in enumerate(lines) if any(s in line for s in (
        "def handler(", "def environ(", "class environ", "as environ:", "global environ",
        "for environ in []", "with open(\"x\") as environ", "(environ := 5)",
        "environ += 1", "environ: dict", "a, *environ"))}
    assert len(binding_lines) == 12  # incl. `case ... as environ:`
    assert not [u for u in facts.name_uses if u.span.line in binding_lines and u.chain == "environ"]
    assert ("os.error", False) in chains  # ... while the exception type there is a use


def test_non_ascii_columns_are_characters() -> None:
    text = (CORPUS_DIR / "unicode_layout.py").read_text(encoding="utf-8")
    facts = assert_parity(text)
    lines = text.splitlines()
    json_import = next(i for i in facts.imports if i.module == "json")
    assert lines[json_import.span.line - 1][json_import.span.column:].startswith("json")
    for use in facts.name_uses:
        assert lines[use.span.line - 1][use.span.column:use.span.end_column] in (
            use.chain, f"({use.chain})")
    rocket = next(d for d in facts.dict_literals if d.event == "rocket")
    assert lines[rocket.span.line - 1][rocket.span.column] == "{"


# ------------------------------------------------------------ 3.12-only syntax

# (3.12 source, a 3.11 twin with the same layout): the twin's ast facts are what 3.12's
# own ast would give, so the libcst facts of the 3.12 source must equal them.
PY312_TWINS = [
    ('x = f"{"a"!r}"\nimport os\n', "x = f\"{'a'!r}\"\nimport os\n"),
    ("y = f'{d['k']}'\nclass A(Enum):\n    B = 1\n", "y = f'{d[\"k\"]}'\nclass A(Enum):\n    B = 1\n"),
    ('import os\nz = f"{os.environ["HOME"]}"\n', "import os\nz = f\"{os.environ['HOME']}\"\n"),
    ('E = {"type": "evt", "msg": f"{x["a"]}"}\n', "E = {\"type\": \"evt\", \"msg\": f\"{x['a']}\"}\n"),
    ('class M:\n    label: Literal["x"] = f"{"y"}"\n',
     "class M:\n    label: Literal[\"x\"] = f\"{'y'}\"\n"),
    ("def f[T](x: T) -> T:\n    import os\n    return os.getenv('A')\n",
     "def f   (x: T) -> T:\n    import os\n    return os.getenv('A')\n"),
    ("class Box[T](Base, total=False):\n    item: T\n",
     "class Box   (Base, total=False):\n    item: T\n"),
    ('from a import b\nv = f"{"nested " f"{"deeper"}"}"\n',
     "from a import b\nv = f\"{'nested ' f'{1}'}\"\n"),
    ('import os\nw = f"{\n    os.environ["X"]  # comment inside\n}"\n',
     "import os\nw = (   \n    os.environ['X']  # comment inside\n )\n"),
    ('if __name__ == "__main__":\n    import pkg.a\n    print(f"{"x"}")\nelse:\n    import pkg.b\n',
     "if __name__ == \"__main__\":\n    import pkg.a\n    print(f\"{'x'}\")\nelse:\n    import pkg.b\n"),
]


@pytest.mark.parametrize(("new", "twin"), PY312_TWINS, ids=[f"twin{i}" for i in range(len(PY312_TWINS))])
def test_py312_syntax_goes_through_libcst_with_the_same_facts(new: str, twin: str) -> None:
    with pytest.raises(SyntaxError):
        ast.parse(new)  # otherwise this host would not exercise the fallback at all
    got = extract("m.py", new.encode(), OPTIONS)
    assert got.error is None and got.parser == "libcst"
    expected = facts_from_ast("m.py", twin, ast.parse(twin), got.content_hash, OPTIONS)
    diff = _differences(expected, replace(got, parser="ast"))
    assert not diff, "\n".join(diff)
    assert expected.imports or expected.classes or expected.constants or expected.functions


def test_type_statement_and_generic_class() -> None:
    text = "import os\ntype Alias = dict[str, int]\nclass C[T: (int, str)]:\n    x: Literal['a'] = 'a'\n"
    facts = extract("m.py", text.encode(), OPTIONS)
    assert facts.parser == "libcst" and facts.error is None
    assert [i.module for i in facts.imports] == ["os"]
    assert "Alias" not in facts.constants  # a TypeAlias statement is not an assignment
    (cls,) = facts.classes
    assert cls.name == "C" and cls.members[0].literals == ("a",)


def test_libcst_rejects_what_both_parsers_reject() -> None:
    with pytest.raises(CstUnavailable):
        facts_from_cst("m.py", "def f(:\n", "d", OPTIONS)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_line_holding_only_a_backslash_keeps_the_lines_below_it(newline: str) -> None:
    """libcst's tokenizer drops a backslash-only line that starts a statement, so its own
    positions put everything below one line too early (found by the mutated-source
    parity test below). Facts keep the source's lines."""
    text = ("def f():\n    x = 1\n\\\n\\\n    3\n\n\nclass C:\n    a = 1  # two\n\n"
            "def g():\n    pass ;\n").replace("\n", newline)
    for source in (text, text[:-len(newline)]):  # the last line ended, and not
        facts = assert_parity(source)
        assert [(f.name, f.line) for f in facts.functions] == [("f", 1), ("g", 11)]
        (cls,) = facts.classes
        assert (cls.span.line, cls.span.end_line, cls.members[0].line) == (8, 9, 9)


# ----------------------------------------------------------------- robustness

SOURCES = [p.read_text(encoding="utf-8") for p in CORPUS]


def _check_result(facts: FileFacts, path: str = "m.py") -> None:
    assert isinstance(facts, FileFacts) and facts.path == path
    if facts.error is not None:
        assert facts.parser == "none"
        assert facts.error.kind in EXPECTED_ERROR_KINDS, facts.error
        assert facts.error.message and facts.error.line >= 0
    else:
        assert facts.parser in ("ast", "libcst")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
@example(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
@example(b"\xff\xfe\x00x")
@example(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
@example(b"# coding: no-such-codec\n")
@example(b"\xef\xbb\xbfimport os\n")
def test_random_bytes_never_raise(data: bytes) -> None:
    _check_result(extract("m.py", data, OPTIONS))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
@example('f"{"')
@example("x = " + "(" * 149 + "f'{'" + ")" * 149)
@example("((((((((((((((((((((((((((((((((((((((((((((((((((")
@example("class A(\n  import x")
@example("1" * 5000 + " +")
def test_random_text_never_raises(text: str) -> None:
    _check_result(extract("m.py", text.encode("utf-8"), OPTIONS))


def _mutate(text: str, rnd: random.Random) -> str:
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(text) + 1)
        j = min(len(text), i + rnd.choice([1, 1, 2, 5, 20, 200]))
        op = rnd.choice(["delete", "duplicate", "insert"])
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:i] + text[i:j] + text[i:]
        else:
            text = text[:i] + rnd.choice(['"', "'", "(", ")", "[", "{", "}", ":", "\n", "\t",
                                          "f'{", "\\", "#", "é", " " * 4,
                                          rnd.choice(string.printable)]) + text[i:]
    return text


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    """A corpus file with a few random edits: deletions, duplications and insertions of
    the characters that most confuse parsers."""
    text = draw(st.sampled_from(SOURCES))
    return _mutate(text, random.Random(draw(st.integers(0, 2**32))))


@st.composite
def parsable_mutated_sources(draw: st.DrawFn) -> str:
    """Like `mutated_sources`, but retried until both parsers accept the mutant, so every
    example of the differential test compares facts (filtering with `assume` threw away
    most examples and tripped hypothesis' health check)."""
    text = draw(st.sampled_from(SOURCES))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(40):
        mutant = _mutate(text, rnd)
        try:
            _parse(mutant)
            import libcst

            libcst.parse_module(mutant)
        except Exception:  # any rejection: try another mutation
            continue
        return mutant
    return text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_mutated_sources_never_raise(text: str) -> None:
    _check_result(extract("m.py", text.encode("utf-8"), OPTIONS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parsable_mutated_sources())
def test_mutated_sources_keep_parity(text: str) -> None:
    """Differential check: whatever parses on both parsers gives the same facts."""
    tree = _parse(text)
    got = facts_from_cst("m.py", text, "d", OPTIONS)
    expected = facts_from_ast("m.py", text, tree, "d", OPTIONS)
    diff = _differences(expected, replace(got, parser="ast"))
    assert not diff, "\n".join(diff)


LEGACY_OPTIONS = ExtractOptions(legacy=("pkg.models.OldThing", "pkg.old"))


@pytest.mark.parametrize("variant", list(_variants("")))
def test_legacy_use_facts(variant: str) -> None:
    """Chains that may reach a legacy path (SSOT201 uses) are the same from both parsers,
    in every layout, and are only those through an import that leads towards an entry."""
    text = _variants((CORPUS_DIR / "legacy_uses.py").read_text(encoding="utf-8"))[variant]
    facts = assert_parity(text, "legacy_uses.py", LEGACY_OPTIONS)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert [(u.chain, u.is_call) for u in facts.name_uses] == [
        ("pkg.models.OldThing", True), ("m.OldThing", False), ("mods.OldThing.create", True),
        ("m.OldThing", False), ("rel_models.OldThing", False), ("m.OldThing", False),
        ("pkg.old.helper", True), ("m.OldThing", False)]
    for u in facts.name_uses:
        assert lines[u.span.line - 1][u.span.column:u.span.end_column] == u.chain
    # Without legacy entries (and bans) the same file records no uses at all.
    assert not assert_parity(text, "legacy_uses.py", ExtractOptions()).name_uses


def test_shadowed_uses_are_not_recorded() -> None:
    """A chain whose head is a local of an enclosing def / lambda / comprehension is not
    the module-level name; both parsers leave out the same uses."""
    facts = assert_parity((CORPUS_DIR / "shadowing.py").read_text(encoding="utf-8"))
    assert [(u.span.line, u.span.column, u.chain) for u in facts.name_uses] == [
        (15, 11, "os.environ"),  # third(): no local `os`
        (21, 11, "os.environ"),  # fourth(): `global os`
        (26, 18, "os.environ"),  # the first iterable is evaluated outside the comprehension
        (33, 15, "os.environ"),  # a class body does not shadow inside its methods
        (49, 26, "os.environ"),  # a default ...
        (49, 47, "os.environ"),  # ... and an annotation are evaluated outside the def
        (71, 11, "os.environ"),  # an import in a function binds the module itself
        (76, 11, "os.environ"),  # a comprehension variable does not leak
    ]


def test_message_sinks_envelopes_and_field_defaults() -> None:
    """Where a dict goes decides whether SSOT102 treats it as a message; both parsers
    must agree on it, on envelope bodies, and on whether `Field(...)` has a default."""
    facts = assert_parity((CORPUS_DIR / "messages.py").read_text(encoding="utf-8"))
    sinks = {d.event: d.sinks for d in facts.dict_literals}
    assert sinks == {
        "auth_error": (), "module_constant": ("call:publish",), "never_used": (),
        "returned": ("return",), "yielded": ("yield",),
        "sent_positional": ("call:send_json",), "sent_keyword": ("call:emit",),
        "double_star": (), "serialised": ("call:dumps",),
        "bound_then_sent": ("call:send_text",), "annotated": ("annotated:AgentStarted",),
        "annotated_plain": ("annotated:dict",), "compared": (), "returned_local": (),  # returned inside a tuple
    }
    nested = {d.event: d.nested for d in facts.dict_literals if d.nested}
    assert nested == {"serialised": (("payload", ("content", "n")),),
                      "bound_then_sent": (("data", ("x",)),)}
    values = {m.name: m.value for c in facts.classes for m in c.members}
    assert values["required"] == "Field()" and values["ellipsis"] == "Field()"
    assert values["with_default"] == values["factory"] == values["positional"] == \
        "Field(default)"
    assert values["items"] == "field(default)" and values["needed"] == "field()"
    deprecated = {c.name: c.deprecated for c in facts.classes}
    assert deprecated == {"Model": False, "Record": False, "EngineFactory": True,
                          "SphinxStyle": True, "MentionsIt": False}


def test_namespace_facts() -> None:
    """`__all__` made of expressions is unknown for good (a later `+= [...]` does not
    make it a list); `global` declarations at any depth, attribute assignments and the
    dynamic-namespace flag come out the same from both parsers."""
    facts = assert_parity((CORPUS_DIR / "namespaces.py").read_text(encoding="utf-8"))
    assert facts.all_names is None and facts.all_line == 7
    assert facts.global_names == ("DEEP", "FROM_METHOD", "LATE_ONE", "LATE_TWO")
    assert {"DEEP", "LATE_ONE"} <= facts.defined_names()
    assert facts.attribute_assigns == ("base.dialect", "other.flag", "other.mode")
    assert facts.dynamic_names


@pytest.mark.parametrize("statement", [
    "globals()['a'] = 1", "globals().update(a=1)", "vars()['a'] = 1", "exec('a = 1')",
    "sys.modules[__name__] = object()", "sys.modules[__name__].a = 1",
    "setattr(sys.modules[__name__], 'a', 1)", "_install(globals())", "_go(locals())",
    "sys.modules[__name__].__dict__.update(a=1)"])
def test_each_dynamic_namespace_spelling_is_flagged(statement: str) -> None:
    assert assert_parity(f"import sys\n{statement}\n").dynamic_names
    # the same statement inside a function is not read (only module-level ones are)
    assert not assert_parity(f"import sys\ndef f():\n    {statement}\n").dynamic_names


def test_literal_dunder_all_keeps_its_line_and_augments() -> None:
    facts = assert_parity("import x\n\n__all__ = ['a']\n__all__ += ('b',)\nfrom y import a, b\n")
    assert facts.all_names == ("a", "b") and facts.all_line == 3 and not facts.dynamic_names


def test_import_context_facts() -> None:
    """Both parsers give every import the same `guard`; the names say which it is."""
    facts = assert_parity((CORPUS_DIR / "import_contexts.py").read_text(encoding="utf-8"))
    by_name = {i.bound_name: i for i in facts.imports}
    for fact in facts.imports:
        name = fact.bound_name
        expected = name.split("_", 1)[0] if name.split("_", 1)[0] in (
            "fallback", "probe", "hard", "absence") else ""
        assert fact.guard == expected, name
        assert fact.in_try == (expected in ("fallback", "probe", "hard")) or \
            expected == "absence", name
    assert sum(1 for n in by_name if n.startswith("absence")) == 8
    assert sum(1 for n in by_name if n.startswith("probe")) == 4
    assert sum(1 for n in by_name if n.startswith("hard")) == 7
    assert by_name["absence_over_try"].in_try  # a try inside the block keeps its flag


def test_import_contexts_through_the_converter_alone() -> None:
    """Sub-expressions that only the converter can read (3.12 syntax) keep the guards."""
    for source, guard in [
        ("with pytest.raises(ImportError):\n    import a\n", "absence"),
        ("with self.assertRaises((KeyError, ModuleNotFoundError)):\n    import a\n", "absence"),
        ("with pytest.raises(*errors):\n    import a\n", ""),
        ("try:\n    import a\nexcept ImportError:\n    log.debug('x')\n", "probe"),
        ("try:\n    import a\nexcept ImportError:\n    setup()\n", "hard"),
    ]:
        facts = facts_from_cst("m.py", source, "d", OPTIONS, reparse=False)
        assert [i.guard for i in facts.imports] == [guard], source
        assert_parity(source)


def test_alias_facts() -> None:
    facts = assert_parity((CORPUS_DIR / "aliases.py").read_text(encoding="utf-8"))
    aliases = dict(facts.aliases)
    assert aliases["BaseTestCase"] == "SSotBaseTestCase"
    assert aliases["BaseUnitTest"] == "base_module.SSotBaseTestCase"
    assert aliases["Chained"] == aliases["Again"] == "BaseTestCase"
    assert aliases["Annotated"] == "unittest.TestCase"
    assert aliases["Computed"] == "type()" and aliases["Factory"] == "make_base()"
    assert aliases["Literal"] == "None"
    assert [v for n, v in facts.aliases if n == "InTry"] == [
        "base_module.Other", "unittest.TestCase"]
    assert "NotModuleLevel" not in aliases and "left" not in aliases and "counter" in aliases


PRUNING_CASES = {
    "decorator": "import os\nfrom unittest import mock\n\n\n@mock.patch.dict(os.environ, {})\n"
                 "def test_x():\n    return 1\n\n\nclass A:\n    @staticmethod\n"
                 "    @mock.patch.dict(\n        os.environ)\n    def m():\n        pass\n",
    "later_line": "import os\n\n\ndef f(a,\n      b=os.getenv('X')):\n    x = (1 +\n"
                  "         2 +\n         os.environ['Y'])\n    return {\n        'a': 1,\n"
                  "        \"type\"\n        : 'multi_line_key'}\n",
    "nested": "import os\n\n\nclass C:\n    def m(self):\n        if True:\n"
              "            for i in range(3):\n                try:\n"
              "                    pass\n                except OSError:\n"
              "                    y = [os.environ for _ in range(2)]\n",
    "one_line": "import os\nif True: a = 1; b = os.environ\nx = 1; y = {'type': 'one'}\n",
    "shadowed": "import os\n\n\ndef f(os):\n    return os.environ\n\n\n"
                "def g():\n    return os.environ\n",
    # subexpressions of one statement spread over lines, only some of them pre-screened
    "long_call": "import os\n\n\nresult = call(\n    a=1,\n    b={'type': 'x', 'k': 1},\n"
                 "    c=[i for i in range(3)],\n    d=os.environ.get('A'),\n"
                 "    e=lambda os: os.environ,\n    f=[os.getenv(k) for os in\n"
                 "       range(2)],\n    g=send({'k': 2,\n           'type': 'y'}),\n)\n",
}


@pytest.mark.parametrize("name", [*PRUNING_CASES, *(p.name for p in CORPUS)])
@pytest.mark.parametrize("variant", ["as-is", "crlf", "cr"])
def test_pruned_expression_walk_finds_what_a_full_walk_finds(
        name: str, variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The expression walks skip statements that touch no pre-screened line; on every
    parity fixture and on decorators, multi-line statements, nested bodies and one-line
    suites, both parsers then find exactly what they find when walking every statement
    (the `"ty" "pe"` key of expressions.py is the one intended difference)."""
    import ssotcheck.index.extract as ast_side
    import ssotcheck.index.extract_cst as cst_side

    source = PRUNING_CASES.get(name) or (CORPUS_DIR / name).read_text(encoding="utf-8")
    source = source.replace('{"ty" "pe": "concat", "b": 2}', "{}")
    text = _variants(source)[variant]
    options = ExtractOptions(banned=("os.environ", "os.getenv"))
    pruned = assert_parity(text, options=options)
    everything = list(range(1, text.count("\n") + text.count("\r") + 2))
    for side in (ast_side, cst_side):
        monkeypatch.setattr(side, "candidate_lines", lambda *a: everything)
    full = assert_parity(text, options=options)
    assert pruned == full
    if name in PRUNING_CASES:
        assert pruned.name_uses or pruned.dict_literals


@pytest.mark.parametrize("source", [
    'class A:\n    OK = "ok";# c\n', 'class A:\n    OK = "ok" ;\n',
    "class A:\n    def f():\n        x = 1;\n", "class A: x = 1;\n",
    "class A:\r\n    x = 1 ;\r\n", 'class A:\n    x = "é";\n',
])
def test_a_trailing_semicolon_ends_the_class_in_both_parsers(source: str) -> None:
    # CPython ends a compound statement after the last statement's `;`; libcst before it
    # (found by test_mutated_sources_keep_parity).
    facts = assert_parity(source)
    assert facts.classes[0].span.end_column == source.splitlines()[-1].rindex(";") + 1


# Bodies below module level that hold an import, class or `global` somewhere the keyword
# scan must see: on a continuation line, after a semicolon, in a nested block, a decorated
# nested class, a one-line suite; and bodies whose keyword is only in a string or comment.
KEYWORD_CASES = {
    "nested": "def f():\n    x = 1\n    if x:\n        for i in range(2):\n"
              "            try:\n                from a import (b,\n                    c)\n"
              "            except ImportError:\n                import d as c\n    return c\n",
    "continuation": "def f():\n    from a \\\n        import b\n    return b\n",
    "semicolon": "class A:\n    def m(self): x = 1; import os; return os\n",
    "nested_class": "def f():\n    @dec\n    class B(Base):\n        class C:\n            pass\n"
                    "    return B\n",
    "global": "def f():\n    while True:\n        global COUNTER\n        COUNTER = 1\n",
    "only_words": "def f():\n    # import nothing here\n    return 'class global'\n\n\n"
                  "class A:\n    def m(self):\n        with ctx():\n            return 1\n",
    "methods": "class A:\n    x: int = 1\n\n    def m(self):\n        if self.x:\n"
               "            import json\n        return json\n\n    def n(self):\n"
               "        return 2\n",
}


@pytest.mark.parametrize("name", [*KEYWORD_CASES, *(p.name for p in CORPUS)])
@pytest.mark.parametrize("variant", ["as-is", "crlf", "cr"])
def test_keyword_pruned_statement_walk_finds_what_a_full_walk_finds(
        name: str, variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The statement walk skips def/class bodies and blocks below module level whose
    lines hold no `import`, `class` or `global`; both parsers then find exactly what a walk
    of every body finds."""
    import ssotcheck.index.extract as ast_side
    import ssotcheck.index.extract_cst as cst_side

    source = KEYWORD_CASES.get(name) or (CORPUS_DIR / name).read_text(encoding="utf-8")
    text = _variants(source)[variant]
    pruned = assert_parity(text)
    for side in (ast_side, cst_side):
        monkeypatch.setattr(side, "keyword_lines", lambda text: None)
    full = assert_parity(text)
    assert pruned == full
    if name in KEYWORD_CASES and name != "only_words":
        assert pruned.imports or pruned.global_names or len(pruned.classes) > 1


def _everything(text: str) -> list[int]:
    return list(range(1, text.count("\n") + text.count("\r") + 2))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_pruned_walks_equal_full_walks_on_mutated_sources(text: str) -> None:
    """Differential check of both prunings on the host parser: whatever `ast` accepts
    gives the same facts with the pre-screened lines and keyword lines as with every
    line (the `"ty" "pe"` key is the intended difference, see expressions.py)."""
    import ssotcheck.index.extract as ast_side

    text = text.replace('"ty" "pe"', '"k"')
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    pruned = facts_from_ast("m.py", text, tree, "d", OPTIONS)
    saved = ast_side.keyword_lines, ast_side.candidate_lines
    try:
        ast_side.keyword_lines = lambda text: None  # type: ignore[assignment]
        ast_side.candidate_lines = lambda *a: _everything(text)  # type: ignore[assignment]
        full = facts_from_ast("m.py", text, tree, "d", OPTIONS)
    finally:
        ast_side.keyword_lines, ast_side.candidate_lines = saved
    diff = _differences(pruned, full)
    assert not diff, "\n".join(diff)
