"""Whether two same-named classes share code (issue 14, ninth pass): a copy shares the code of
the members both have, two implementations of one interface do not (glance's delegating
proxies against the repositories they wrap). And a class whose constructor carries a
deprecation decorator is a stub (qiskit's `@deprecate_func` on `PulseDefaults.__init__`)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from ssotcheck.checks.classes import COPIED_CODE, copied_code
from ssotcheck.index.source import CODE_SKETCH, class_code, source_lines
from ssotcheck.model import ClassFact, MemberFact, Severity, Span
from tests.test_classes import class_findings, the_finding
from tests.test_parser_parity import assert_parity

CLASS = '''class Repo:
    """Docstring lines are the class's, not a member's."""

    name: str = "tasks"
    def get(self, task_id):
        # a comment is no code
        row = self.session.query(Task).get(task_id)

        return row
    @property
    def count(self):
        return self.session.count()
    x = y = 1
'''


def test_each_member_keeps_its_own_significant_lines_and_the_class_a_sketch() -> None:
    facts = assert_parity(CLASS)
    [repo] = facts.classes
    assert [m.name for m in repo.members] == ["name", "get", "count", "x", "y"]
    # name: the field; get: def, the query, the return (not the comment or the blank line);
    # count: def, return (`@property` is boilerplate, and goes with `get` above it); x and
    # y: one statement, its line in each (hashed with each name).
    assert repo.member_code == (1, 3, 2, 1, 1)
    assert len(repo.code_sketch) == 8 and list(repo.code_sketch) == sorted(repo.code_sketch)


def test_a_line_matches_only_in_a_member_of_the_same_name() -> None:
    lines = source_lines("    def f(self):\n        return self.helper.run()\n")
    one = class_code(lines, [("f", 1)], 2)
    renamed = class_code(lines, [("g", 1)], 2)
    assert one[0] == renamed[0] == (2,)
    assert not set(one[1]) & set(renamed[1])


def test_nested_and_one_member_classes_carry_no_code() -> None:
    facts = assert_parity("class A:\n    def only(self):\n        return 1\n"
                          "class B:\n    class Inner:\n        a = 1\n        b = 2\n"
                          "    c = settings.value\n")
    assert [(c.qualname, c.member_code) for c in facts.classes] == [
        ("A", ()), ("B", (1, 1)), ("B.Inner", ())]


def _fact(members: dict[str, set[str]]) -> ClassFact:
    """A class whose members hold these lines (each line text distinct per member)."""
    text: list[str] = []
    starts: list[tuple[str, int]] = []
    for name, lines in members.items():
        starts.append((name, len(text) + 1))
        text.append(f"def {name}(self, argument):")
        text.extend(sorted(lines))
    counts, sketch = class_code(text, starts, len(text))
    return ClassFact(
        "C", "C", Span(1, 0, len(text), 0), (), (), (),
        tuple(MemberFact(n, "method", line) for n, line in starts), member_code=counts,
        code_sketch=sketch)


def _exact(a: dict[str, set[str]], b: dict[str, set[str]]) -> float:
    shared = set(a) & set(b)
    # every member also has its `def` line, the same in both when the name is the same
    common = sum(len(a[n] & b[n]) + 1 for n in shared)
    return common / min(sum(len(a[n]) + 1 for n in shared), sum(len(b[n]) + 1 for n in shared))


LINE = st.integers(0, 400).map(lambda i: f"value_{i} = compute({i})")
MEMBERS = st.dictionaries(st.sampled_from("abcdefgh"), st.sets(LINE, max_size=12),
                          min_size=1, max_size=6)


@settings(max_examples=100, deadline=None)
@given(MEMBERS, MEMBERS)
def test_the_estimate_is_exact_for_small_classes_and_always_a_share(a, b) -> None:
    fa, fb = _fact(a), _fact(b)
    got = copied_code(fa, fb)
    if not set(a) & set(b):
        assert got is None  # nothing shared by name: nothing to compare
        return
    assert got is not None and 0.0 <= got <= 1.0
    if sum(fa.member_code) <= CODE_SKETCH and sum(fb.member_code) <= CODE_SKETCH:
        assert abs(got - _exact(a, b)) < 1e-9
    assert copied_code(fa, fa) == 1.0


def test_big_copies_and_big_strangers_are_told_apart() -> None:
    # Beyond the sketch's size the estimate is a sample: a copy with a few edits still
    # reads as one, two classes with other bodies in the same members do not.
    body = {f"m{i}": {f"line_{i}_{j} = work({j})" for j in range(8)} for i in range(20)}
    edited = {n: set(sorted(lines)[:-1]) | {f"{n} = 'edited'"} for n, lines in body.items()}
    other = {n: {line.replace("work", "other") for line in lines} for n, lines in body.items()}
    assert copied_code(_fact(body), _fact(edited)) > COPIED_CODE
    assert copied_code(_fact(body), _fact(other)) < COPIED_CODE


def test_an_unknown_sketch_compares_nothing() -> None:
    fact = _fact({"a": {"x = compute(1)"}, "b": set()})
    assert copied_code(fact, replace(fact, code_sketch=(), member_code=())) is None


REPO = '''class TaskRepo:
    def __init__(self, session):
        self.session = session

    def get(self, task_id):
        return self.session.query(models.Task).filter_by(id=task_id).one()

    def list(self, marker=None, limit=None):
        query = self.session.query(models.Task).order_by(models.Task.created_at)
        return query.limit(limit).all()

    def add(self, task):
        self.session.add(self._format_task_to_db(task))

    def remove(self, task):
        self.session.delete(self._format_task_to_db(task))
'''

PROXY = '''from gl.db import api


class TaskRepo:
    def __init__(self, base, helper):
        self.base = base
        self.helper = helper

    def get(self, task_id):
        return self.helper.proxy(self.base.get(task_id))

    def list(self, *args, **kwargs):
        return [self.helper.proxy(t) for t in self.base.list(*args, **kwargs)]

    def add(self, task):
        self.base.add(self.helper.unproxy(task))

    def remove(self, task):
        self.base.remove(self.helper.unproxy(task))
'''


def _repos(proxy: str) -> dict[str, str]:
    return {"gl/__init__.py": "", "gl/db/__init__.py": "", "gl/db/api.py": REPO,
            "gl/domain/__init__.py": "", "gl/domain/proxy.py": proxy,
            "gl/use.py": "from gl.db.api import TaskRepo\n"}


def test_a_delegating_proxy_of_the_same_name_is_shown_not_counted(make_project) -> None:
    # glance's `domain/proxy.py` `TaskRepo` wraps the repository handed to it: the same
    # member names, other code in every one of them (only three `def` lines are alike).
    f = the_finding(make_project(_repos(PROXY)), "gl/domain/proxy.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: the members both classes have are other code in each (about "
        "27% of their lines alike): one name and interface implemented twice, not one class "
        "copied")
    assert f.confidence_reasons == ("same name", "4 of 4 members shared", "other code")


def test_the_same_class_copied_next_to_an_import_is_counted(make_project) -> None:
    copy = "from gl.db import api\n\n\n" + REPO.replace(
        "        self.session.delete(self._format_task_to_db(task))\n",
        "        self.session.delete(task)  # drifted\n")
    the_finding(make_project(_repos(copy)), "gl/domain/proxy.py", Severity.WARNING)


def test_a_test_class_with_other_code_is_still_a_re_implementation(make_project) -> None:
    # In tests, a class with the production class's name and other code is the issue's
    # "test re-implementation", whatever its code.
    files = _repos(REPO)
    del files["gl/domain/proxy.py"]
    files["tests/test_tasks.py"] = PROXY.replace("from gl.db import api", "import gl.db.api")
    findings = class_findings(make_project(files))
    assert [(f.path, f.severity) for f in findings] == [
        ("tests/test_tasks.py", Severity.WARNING)]


DEPRECATED = '''from qk.utils import deprecate_func


class PulseDefaults:
    {decorator}
    def __init__(self, qubit_freq_est, meas_freq_est):
        self.qubit_freq_est = qubit_freq_est
        self.meas_freq_est = meas_freq_est

    def to_dict(self):
        return {{"qubit_freq_est": self.qubit_freq_est, "meas_freq_est": self.meas_freq_est}}

    def from_dict(self, data):
        return PulseDefaults(data["qubit_freq_est"], data["meas_freq_est"])
'''


def test_a_deprecation_decorator_on_the_constructor_marks_the_class_deprecated() -> None:
    for decorator, deprecated in (
            ('@deprecate_func(since="1.3", package_name="Qiskit")', True),
            ("@deprecated", True), ("@typing_extensions.deprecated('use X')", True),
            ("@deprecation.deprecated(deprecated_in='2.0')", True),
            ("@deprecated_class", True),
            ("@functools.wraps(print)", False), ("@staticmethod", False),
            # transformers' and qiskit's argument deprecations: the class lives on
            ('@deprecate_kwarg("reduce_labels", version="4.41.0")', False),
            ('@deprecate_arg("name", since="1.0")', False), ("@deprecated_param", False),
            ("@deprecate_non_keyword_only_args", False),
            ("@ignore_pulse_deprecation_warnings", False)):
        facts = assert_parity(DEPRECATED.format(decorator=decorator))
        assert facts.classes[0].deprecated is deprecated, decorator
    # On another method the decorator deprecates that method, not the class.
    facts = assert_parity(DEPRECATED.format(decorator="").replace(
        "    def to_dict", "    @deprecated\n    def to_dict"))
    assert facts.classes[0].deprecated is False


def test_a_class_decorator_deprecates_as_a_constructor_decorator_does(make_project) -> None:
    # One test of a decorator's name for both places: `@deprecated_class` on the class, as
    # `@deprecate_func` on its `__init__`, makes it a stub; `@deprecate_arg` does not.
    for decorator, stub in (("@deprecated_class", True), ('@deprecate_arg("x")', False)):
        files = {"qk/__init__.py": "", "qk/models/__init__.py": "",
                 "qk/models/pulsedefaults.py": decorator + "\n" + DEPRECATED.format(
                     decorator="").split("\n\n\n", 1)[1],
                 "qk/backends/__init__.py": "",
                 "qk/backends/backend.py": "from qk.models import pulsedefaults\n\n\n"
                                           + DEPRECATED.format(decorator="").split(
                                               "\n\n\n", 1)[1],
                 "qk/use.py": "from qk.models.pulsedefaults import PulseDefaults\n"}
        findings = class_findings(make_project(files))
        assert [(f.path, f.severity is Severity.INFO) for f in findings] == [
            ("qk/models/pulsedefaults.py" if stub else "qk/backends/backend.py", stub)], decorator


def test_a_copy_of_a_class_with_a_deprecated_constructor_is_its_successor(make_project) -> None:
    # qiskit's fake provider keeps private copies of `PulseDefaults` and friends because
    # the originals go away (`@deprecate_func` on their `__init__`): the original is the
    # stub, shown, not counted.
    files = {"qk/__init__.py": "", "qk/utils.py": "def deprecate_func(**kw): ...\n",
             "qk/models/__init__.py": "",
             "qk/models/pulsedefaults.py": DEPRECATED.format(
                 decorator='@deprecate_func(since="1.3")'),
             "qk/fake/__init__.py": "",
             "qk/fake/backend.py": "from qk.models import pulsedefaults\n\n\n"
                                   + DEPRECATED.format(decorator="").split("\n\n\n", 1)[1],
             "qk/use.py": "from qk.models.pulsedefaults import PulseDefaults\n"}
    findings = class_findings(make_project(files))
    assert [(f.path, f.severity) for f in findings] == [
        ("qk/models/pulsedefaults.py", Severity.INFO)]
    assert "this copy is marked deprecated: a stub of `PulseDefaults`" in findings[0].message
