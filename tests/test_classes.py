"""SSOT103 duplicate-class, run through the real pipeline on small throwaway projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssotcheck.checks.classes import jaccard
from ssotcheck.model import Finding, Severity
from ssotcheck.checks._concepts import INDEPENDENT
from tests.conftest import mirrored_packages, plugin_host, run_on

MANAGER = """
class WebSocketManager:
    def __init__(self):
        self.connections = {}

    def connect(self, user, ws): ...

    def disconnect(self, user): ...

    def broadcast(self, message): ...

    def send_to_user(self, user, message): ...

    def close(self): ...
"""
OLD_MANAGER = MANAGER.replace("def close(self)", "def legacy_send(self, raw)")


def class_findings(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT103"]


def test_similar_same_name_classes_are_one_concept(make_project) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/websocket_manager.py": MANAGER,
        "app/ws/manager.py": OLD_MANAGER,
        "app/routes.py": "from app.ws.websocket_manager import WebSocketManager\n",
    })
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT103"]
    assert (f.path, f.line, f.severity) == ("app/ws/manager.py", 1, Severity.WARNING)
    assert f.message == (
        "class `WebSocketManager` is defined in 2 modules (suggested canonical: "
        "app.ws.websocket_manager, imported by 1 module, the most of any copy); this copy "
        "shares 4 of 6 members (67%) with app.ws.websocket_manager; it lacks close; it has "
        "legacy_send which app.ws.websocket_manager lacks")
    assert [(r.path, r.line) for r in f.related] == [("app/ws/websocket_manager.py", 1)]
    [concept] = result.concepts
    assert (concept.name, concept.kind, concept.spread) == ("WebSocketManager", "class", 2)
    assert concept.canonical == "app.ws.websocket_manager"


def test_similarity_threshold_is_configurable(make_project) -> None:
    files = {"app/a.py": MANAGER, "app/b.py": OLD_MANAGER, "app/use.py": "import app.b\n"}
    assert len(class_findings(make_project(files))) == 1
    strict = '[tool.ssotcheck]\n[tool.ssotcheck.duplicates]\nclass-similarity = 0.9\n'
    # Below the gate the distinctive name still makes it one concept: a drifted copy.
    [f] = class_findings(make_project(files, config=strict))
    assert "this copy has drifted: this copy shares 4 of 6 members" in f.message
    assert f.confidence == "medium"


def test_dissimilar_same_name_classes_are_different_concepts(make_project) -> None:
    root = make_project({
        "app/a.py": "class Config:\n    def load(self): ...\n    def save(self): ...\n",
        "app/b.py": "class Config:\n    def load(self): ...\n    def reload(self): ...\n"
                    "    path = 'x'\n",
        "app/c.py": "class Config:\n    host: str\n    port: int\n",
    })
    assert class_findings(root) == []


@pytest.mark.parametrize("copy", [
    # nested in another class
    "class Model:\n    a = 1\n    class Config:\n        def load(self): ...\n"
    "        def save(self): ...\n",
    # a function-local class
    "def f():\n    class Config:\n        def load(self): ...\n        def save(self): ...\n"
    "    return Config\n",
    # a protocol stub
    "from typing import Protocol\nclass Config(Protocol):\n    def load(self): ...\n"
    "    def save(self): ...\n",
    # a subclass of the other copy
    "from app.a import Config as Base\nclass Config(Base):\n    def load(self): ...\n"
    "    def save(self): ...\n",
    # a one-member class
    "class Config:\n    def load(self): ...\n",
    # a fallback for an optional fast implementation
    "try:\n    from fastconfig import Config\nexcept ImportError:\n    class Config:\n"
    "        def load(self): ...\n        def save(self): ...\n",
])
def test_generic_names_do_not_flood(make_project, copy: str) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/a.py": "class Config:\n    def load(self): ...\n    def save(self): ...\n",
        "app/b.py": copy,
    })
    assert class_findings(root) == []


def test_pytest_test_classes_are_ignored(make_project) -> None:
    body = "    def test_a(self): ...\n    def test_b(self): ...\n"
    root = make_project({"tests/test_a.py": "class TestThing:\n" + body,
                         "tests/test_b.py": "class TestThing:\n" + body})
    assert class_findings(root) == []


def test_a_canonical_name_is_flagged_even_when_small_or_nested(make_project) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/ws.py": MANAGER,
        "tests/helpers.py": "class Fakes:\n    class WebSocketManager:\n        pass\n",
    }, config='[tool.ssotcheck]\n[tool.ssotcheck.canonical]\nWebSocketManager = "app.ws"\n')
    [f] = class_findings(root)
    assert (f.path, f.line) == ("tests/helpers.py", 2)
    assert "(canonical: app.ws, declared in [tool.ssotcheck.canonical])" in f.message
    assert "this copy shares 0 of 5 members (0%) with app.ws" in f.message


def test_enums_and_event_schemas_belong_to_their_own_rules(make_project) -> None:
    root = make_project({
        "app/a.py": "from enum import Enum\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n"
                    "from typing import TypedDict\nclass UserCreatedEvent(TypedDict):\n"
                    "    id: int\n    email: str\n",
        "app/b.py": "from enum import Enum\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n"
                    "from typing import TypedDict\nclass UserCreatedEvent(TypedDict):\n"
                    "    id: int\n    email: str\n",
    })
    rules = sorted(f.rule for f in run_on(root).findings)
    assert rules == ["SSOT101", "SSOT102"]


def test_parallel_hierarchies_mirror_names_on_purpose(make_project) -> None:
    # A matcher per AST node (libcst), a schema per ORM model: same names and fields,
    # different families.
    root = make_project({
        "lib/__init__.py": "",
        "lib/nodes.py": "class Node:\n    def visit(self): ...\n"
                        "class Assign(Node):\n    target: str\n    value: str\n",
        "lib/matchers.py": "class Matcher:\n    def matches(self): ...\n"
                           "class Assign(Matcher):\n    target: str\n    value: str\n",
        "lib/api.py": "from lib.nodes import Assign\nfrom lib import matchers\n",
    })
    assert class_findings(root) == []


def test_copied_subclasses_of_one_base_are_still_copies(make_project) -> None:
    job = ("from lib.base import Base\nclass Job(Base):\n    def run(self): ...\n"
           "    def retry(self): ...\n    def cancel(self): ...\n")
    root = make_project({
        "lib/__init__.py": "",
        "lib/base.py": "class Base:\n    def run(self): ...\n",
        "lib/old/jobs.py": job,
        "lib/new/jobs.py": job,
        "lib/run.py": "from lib.new.jobs import Job\n",
    })
    [f] = class_findings(root)
    # run() overrides the base: it is no evidence, the other two members are.
    assert "this copy has the same 2 members as the one in" in f.message


def test_sibling_backends_of_one_base_are_implementations(make_project) -> None:
    # Django picks `backends.<name>.SessionStore` by module path: same name on purpose.
    store = ("from app.backends.base import SessionBase\nclass SessionStore(SessionBase):\n"
             "    def cache_key(self): ...\n    def flush(self): ...\n")
    root = make_project({
        "app/__init__.py": "",
        "app/backends/__init__.py": "",
        "app/backends/base.py": "class SessionBase:\n    def load(self): ...\n",
        "app/backends/cache.py": store,
        "app/backends/cached_db.py": store,
        "app/settings.py": "from app.backends import cache, cached_db\n",
    })
    assert class_findings(root) == []


def test_parallel_wrappers_with_unrelated_bases_are_different_concepts(make_project) -> None:
    point = "    def x(self): ...\n    def y(self): ...\n    def coords(self): ...\n"
    root = make_project({
        "gis/__init__.py": "",
        "gis/base.py": "class CPointer:\n    ptr = None\n",
        "gis/gdal/geometries.py": "from gis.base import CPointer\nclass OGRGeometry(CPointer):\n"
                                  "    srs = None\nclass Point(OGRGeometry):\n" + point,
        "gis/geos/point.py": "from gis.base import CPointer\nclass GEOSGeometry(CPointer):\n"
                             "    srid = None\nclass Point(GEOSGeometry):\n" + point,
        "gis/api.py": "from gis.geos.point import Point\nfrom gis.gdal import geometries\n",
    })
    assert class_findings(root) == []


def test_modules_with_their_own_base_are_worlds_of_their_own(make_project) -> None:
    # Each SQLAlchemy example declares its own `Base` and its own `User(Base)`.
    example = ("class Base:\n    registry = None\n    def metadata(self): ...\n"
               "    def query(self): ...\n    def session(self): ...\n"
               "class User(Base):\n    id: int\n    name: str\n    addresses: list\n")
    files = {"worlds/one.py": example, "worlds/two.py": example,
             "worlds/run.py": "from worlds import one, two\n"}
    findings = class_findings(make_project(files))
    # The copied `Base` is reported; the models built on each module's own base are not.
    assert [(f.path, f.message.split(" is ")[0]) for f in findings] == [
        ("worlds/two.py", "class `Base`")]


def test_copies_only_in_tests_are_left_to_the_tests(make_project) -> None:
    fake = "class FakeClient:\n    def get(self): ...\n    def post(self): ...\n"
    files = {"tests/test_a.py": fake, "tests/test_b.py": fake}
    assert class_findings(make_project(files)) == []
    declared = '[tool.ssotcheck]\n[tool.ssotcheck.canonical]\nFakeClient = "tests.test_a"\n'
    [f] = class_findings(make_project(files, config=declared))
    assert f.path == "tests/test_b.py"


def test_framework_plugins_sharing_only_hooks_are_not_copies(make_project) -> None:
    command = ("from django.core.management.base import BaseCommand\n"
               "class Command(BaseCommand):\n    help = 'x'\n"
               "    def add_arguments(self, parser): ...\n    def handle(self, *a, **k): ...\n")
    files = {"app/management/commands/one.py": command,
             "app/management/commands/two.py": command,
             "app/cli.py": "from app.management.commands import one, two\n"}
    assert class_findings(make_project(files)) == []
    # Four shared members beyond the hooks are a copy, framework base or not.
    files["app/management/commands/two.py"] = command + "    def a(self): ...\n"
    files["app/management/commands/one.py"] = command + "    def a(self): ...\n"
    assert len(class_findings(make_project(files))) == 1


def test_conditional_definitions_in_one_module_are_one_home(make_project) -> None:
    body = "    def load(self): ...\n    def save(self): ...\n"
    root = make_project({
        "app/a.py": "import sys\nif sys.platform == 'win32':\n    class Store:\n" +
                    body.replace("    ", "        ") + "else:\n    class Store:\n" +
                    body.replace("    ", "        "),
        "app/b.py": "class Store:\n" + body,
        "app/use.py": "from app.b import Store\n",
    })
    findings = class_findings(root)
    assert len(findings) == 1
    assert len(findings[0].related) == 1


def test_jaccard() -> None:
    assert jaccard(frozenset("ab"), frozenset("ab")) == 1.0
    assert jaccard(frozenset("abc"), frozenset("bcd")) == 0.5
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_examples_and_scripts_are_throwaway(make_project) -> None:
    # Standalone examples copy freely, like tests: nobody builds on them.
    files = {"examples/one.py": MANAGER, "examples/two.py": OLD_MANAGER,
             "examples/run.py": "from examples import one, two\n"}
    assert class_findings(make_project(files)) == []
    # fastapi's `docs_src/body/tutorial001.py` ... `tutorial004.py`: one model per page.
    files = {"docs_src/body/tutorial001.py": MANAGER, "docs_src/body/tutorial002.py": OLD_MANAGER}
    assert class_findings(make_project(files)) == []
    files = {"app/body/tutorial001.py": MANAGER, "app/body/tutorial002.py": OLD_MANAGER}
    assert class_findings(make_project(files)) != []


FLOW = ("from app.base import BaseFlow\nclass ConfigFlow(BaseFlow):\n    VERSION = 1\n"
        "    def step_user(self): ...\n    def step_confirm(self): ...\n"
        "    def async_setup(self): ...\n    def async_unload(self): ...\n")


def _plugins(names: list[str]) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/base.py": "class BaseFlow:\n    def step_user(self): ...\n",
             "app/loader.py": "".join(f"from app.plugins.{n} import config_flow as {n}\n"
                                      for n in names)}
    for n in names:
        files[f"app/plugins/{n}/config_flow.py"] = FLOW
    return files


def test_plugin_conventions_are_no_copies(make_project) -> None:
    # Same class, same relative path, sibling packages, one first-party base: a pattern.
    names = ["hue", "zwave", "mqtt", "sonos", "nest", "ring", "tado", "plex", "kodi", "roku"]
    assert class_findings(make_project(_plugins(names))) == []


def test_two_sibling_packages_are_an_old_and_a_new_copy(make_project) -> None:
    # Two packages are an old and a new copy, not yet a convention.
    assert len(class_findings(make_project(_plugins(["old", "new"])))) == 1


def test_declared_conventions_are_no_copies(make_project) -> None:
    files = {"app/a.py": MANAGER, "app/b.py": OLD_MANAGER, "app/use.py": "import app.b\n"}
    for entry in ("WebSocketManager", "app/**:WebSocket*"):
        config = f'[tool.ssotcheck]\n[tool.ssotcheck.duplicates]\nconventions = ["{entry}"]\n'
        assert class_findings(make_project(files, config=config)) == []
    config = '[tool.ssotcheck]\n[tool.ssotcheck.duplicates]\nconventions = ["lib/**:WebSocket*"]\n'
    assert len(class_findings(make_project(files, config=config))) == 1


def test_constants_only_classes_are_left_alone(make_project) -> None:
    colors = "class Colors:\n    RED = '\\033[31m'\n    GREEN = '\\033[32m'\n    RESET = '\\033[0m'\n"
    files = {"app/a.py": colors, "app/b.py": colors, "app/use.py": "import app.a, app.b\n"}
    assert class_findings(make_project(files)) == []


def test_a_plain_test_class_with_a_production_name_is_a_reimplementation(make_project) -> None:
    files = {
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/websocket_manager.py": MANAGER,
        "app/routes.py": "from app.ws.websocket_manager import WebSocketManager\n",
        "tests/test_ws.py": "from app.ws import websocket_manager\n"
                            "class WebSocketManager:\n    def connect(self, u, ws): ...\n"
                            "    def broadcast(self, m): ...\n    def sent(self): ...\n"
                            "    def received(self): ...\n    def reset(self): ...\n",
    }
    [f] = class_findings(make_project(files))
    assert f.path == "tests/test_ws.py" and f.severity is Severity.WARNING
    assert "this test class re-implements the production class in app.ws.websocket_manager" \
        in f.message
    # A test that imports the production class under another name keeps its own stand-in
    # on purpose (vllm's `ReasoningConfig as VllmReasoningConfig`): shown, not counted.
    aliased = dict(files)
    aliased["tests/test_ws.py"] = aliased["tests/test_ws.py"].replace(
        "from app.ws import websocket_manager\n",
        "from app.ws.websocket_manager import WebSocketManager as RealManager\n")
    [f] = class_findings(make_project(aliased))
    assert (f.path, f.severity) == ("tests/test_ws.py", Severity.INFO)
    assert f.message.endswith("shown, not counted: tests.test_ws imports `WebSocketManager` as "
                              "`RealManager` and defines its own: a stand-in beside the real "
                              "class, on purpose")
    assert f.confidence_reasons[-1] == "test stand-in"
    # A test that imports nothing of that package is a tool of its own (ansible-test).
    files["tests/test_ws.py"] = files["tests/test_ws.py"].replace(
        "from app.ws import websocket_manager\n", "import json\n")
    assert class_findings(make_project(files)) == []


def test_tiny_copies_nobody_imports_are_module_helpers(make_project) -> None:
    mixin = "class _FormatMixin:\n    def _format(self): ...\n    def bind(self): ...\n"
    files = {"app/a.py": mixin, "app/b.py": mixin, "app/use.py": "import app.a, app.b\n"}
    assert class_findings(make_project(files)) == []


RUNTIME = """
from typing import Optional
from pydantic import BaseModel


class Runtime(BaseModel):
    type: {annotation}
    host: str
    path: str
    ip: Optional[str] = ""
    platform: str
    os: str
    os_version: str
"""


def test_a_copy_one_side_of_which_names_an_event_is_still_a_class_copy(make_project) -> None:
    # langchain-community: pebblo's `Runtime` in `utilities/pebblo.py` has
    # `type: str = "local"` (a schema of event `local` to SSOT102, alone there) and its copy
    # in `chains/pebblo_retrieval/models.py` has `type: Optional[str] = ""`: no event.
    root = make_project({
        "app/__init__.py": "",
        "app/pebblo.py": RUNTIME.format(annotation='str = "local"'),
        "app/retrieval.py": RUNTIME.format(annotation='Optional[str] = ""'),
        "app/use.py": "from app.pebblo import Runtime\n",
    })
    found = [f for f in run_on(root).findings if f.rule in ("SSOT102", "SSOT103")]
    assert [(f.rule, f.path) for f in found] == [("SSOT103", "app/retrieval.py")]


def test_a_typeddict_and_a_class_with_the_same_fields_are_not_copies(make_project) -> None:
    # openai's `session.py` pydantic `TurnDetection` (the response) and the `TypedDict`
    # of `session_create_params.py` (the request); airflow's ORM JSON column `HITLUser`
    # (TypedDict) and the API's pydantic `HITLUser`. Importing one for the other is no fix.
    fields = "    create_response: bool\n    prefix_padding_ms: int\n    silence_duration_ms: int\n" \
             "    threshold: float\n"
    model = "from pydantic import BaseModel\nclass TurnDetection(BaseModel):\n" + fields
    params = "from typing import TypedDict\nclass TurnDetection(TypedDict, total=False):\n" + fields
    files = {"pkg/__init__.py": "", "pkg/session.py": model, "pkg/session_params.py": params,
             "pkg/a.py": "from pkg.session import TurnDetection\n",
             "pkg/b.py": "from pkg.session_params import TurnDetection\n"}
    assert [f for f in run_on(make_project(files)).findings if f.rule == "SSOT103"] == []
    # two TypedDicts (or two models) with those fields still are
    files["pkg/session.py"] = params
    [f] = [f for f in run_on(make_project(files)).findings if f.rule == "SSOT103"]
    assert f.path in ("pkg/session.py", "pkg/session_params.py")


# ---- fourth precision pass: relations, layers, backends, kinds, companions

def _methods(name: str, methods: list[str], extra: str = "") -> str:
    body = "".join(f"    def {m}(self): ...\n" for m in methods)
    return f"{extra}class {name}:\n{body}"


FILLER = {f"pkg/{d}/m{i:02d}.py": "" for d in ("gateways", "api") for i in range(14)}


def test_a_drifted_copy_in_an_independent_module_is_info(make_project) -> None:
    root = make_project({**FILLER,
        "pkg/gateways/javelin.py": _methods("RequestRouter", [
            "add_route", "match", "dispatch", "mount", "url_for", "freeze"]),
        "pkg/api/mlflow.py": _methods("RequestRouter", [
            "add_route", "match", "dispatch", "legacy", "compile", "register", "v1", "v2"]),
    })
    [f] = class_findings(root)
    assert f.severity == Severity.INFO
    assert "this copy has drifted: this copy shares 3 of 11 members (27%)" in f.message
    assert f.message.endswith(INDEPENDENT)


def test_a_drifted_copy_in_a_module_that_imports_the_other_is_a_warning(make_project) -> None:
    root = make_project({**FILLER,
        "pkg/gateways/javelin.py": _methods("RequestRouter", [
            "add_route", "match", "dispatch", "mount", "url_for", "freeze"]),
        "pkg/api/mlflow.py": _methods("RequestRouter", [
            "add_route", "match", "dispatch", "legacy", "compile", "register", "v1", "v2"],
            "import pkg.gateways.javelin\n"),
    })
    [f] = class_findings(root)
    assert f.severity == Severity.WARNING
    assert f.confidence_reasons == ("same distinctive name", "only 3 of 11 members shared",
                                    "one module imports the other")


def test_a_record_and_a_class_with_behaviour_are_no_drifted_copies(make_project) -> None:
    record = "from pydantic import BaseModel\nclass Prompt(BaseModel):\n" + "".join(
        f"    {f}: str\n" for f in ("name", "title", "description", "arguments", "meta"))
    wrapper = ("from pydantic import BaseModel\nimport pkg.types\nclass Prompt(BaseModel):\n"
               + "".join(f"    {f}: str\n" for f in ("name", "title", "description", "fn"))
               + "    def render(self): ...\n    def from_function(self): ...\n")
    root = make_project({"pkg/types.py": record, "pkg/server/prompts.py": wrapper})
    assert class_findings(root) == []


def test_a_pydantic_model_and_an_orm_class_of_one_name_are_not_copies(make_project) -> None:
    fields = "".join(f"    {f}: str\n" for f in ("dag_id", "task_id", "asset_id", "created_at"))
    root = make_project({
        "pkg/models/base.py": "from sqlalchemy.orm import declarative_base\n"
                              "Base = declarative_base()\n",
        "pkg/models/asset.py": "from pkg.models.base import Base\n"
                               "class TaskInletReference(Base):\n" + fields,
        "pkg/api/datamodels/assets.py": "from pydantic import BaseModel\n"
                                        "class TaskInletReference(BaseModel):\n" + fields,
        "pkg/api/routes.py": "from pkg.api.datamodels.assets import TaskInletReference\n"
                             "from pkg.models.asset import TaskInletReference as T\n",
    })
    assert class_findings(root) == []


def test_a_graphql_type_and_the_domain_class_it_describes_are_not_copies(make_project) -> None:
    # arize-phoenix: the GraphQL `@strawberry.type SpanEvent` (with `from_dict`) beside the
    # trace schema's dataclass, whose module it imports.
    fields = "    name: str\n    message: str\n    timestamp: str\n    attributes: dict\n"
    domain = "from dataclasses import dataclass\n@dataclass\nclass SpanEvent:\n" + fields
    api = ("import strawberry\nimport app.trace.schemas as trace_schema\n"
           "@strawberry.type\nclass SpanEvent:\n" + fields
           + "    def from_dict(self): ...\n")
    files = {"app/__init__.py": "", "app/trace/schemas.py": domain, "app/api/types.py": api}
    assert class_findings(make_project(files)) == []
    # The same class twice with no GraphQL decorator is a copy.
    root = make_project({**files, "app/api/types.py": api.replace("@strawberry.type\n", "")})
    the_finding(root, "app/api/types.py", Severity.WARNING)


def test_interchangeable_backends_on_two_libraries_are_info(make_project) -> None:
    body = ["run", "startup", "shutdown", "handle"]
    root = make_project({
        "srv/asyncio/lifespan.py": _methods("Lifespan", body, "import asyncio\n"),
        "srv/trio/lifespan.py": _methods("Lifespan", body, "import trio\n"),
        "srv/main.py": "from srv.asyncio.lifespan import Lifespan\n",
    })
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("srv/trio/lifespan.py", Severity.INFO)
    assert f.message.endswith(
        "this copy has the same 4 members as the one in srv.asyncio.lifespan; shown, not "
        "counted: srv.trio.lifespan and srv.asyncio.lifespan are backends on `trio` and "
        "`asyncio`, each importing its library: one interface, two implementations")


def test_packages_named_for_two_libraries_the_project_uses_are_backends(
        make_project) -> None:
    # autogen-ext: `models/openai/config/` and `models/anthropic/config/` each keep their
    # own `CreateArguments`; the provider clients beside them import the libraries.
    shared = ["model", "max_tokens", "temperature"]
    files = {"ext/__init__.py": "", "ext/models/__init__.py": "",
             "ext/models/use.py": "from ext.models.openai.config import CreateArguments\n"}
    for provider, own in (("openai", ["seed", "n", "logprobs", "user"]),
                          ("anthropic", ["top_k", "stop_sequences", "metadata"])):
        files[f"ext/models/{provider}/config.py"] = _methods("CreateArguments", shared + own)
        files[f"ext/models/{provider}/client.py"] = f"import {provider}\n"
    root = make_project(files)
    f = the_finding(root, "ext/models/anthropic/config.py", Severity.INFO)
    assert f.message.endswith(
        "ext.models.anthropic.config and ext.models.openai.config are adapters for "
        "`anthropic` and `openai`, two libraries the project uses: each keeps what its "
        "library's API needs")
    # A near copy there is a helper copied between the adapters.
    (root / "ext/models/anthropic/config.py").write_text(_methods(
        "CreateArguments", shared + ["seed", "n", "logprobs"]))
    the_finding(root, "ext/models/anthropic/config.py", Severity.WARNING)
    # Nothing imports a library of either name: the drifted copy is counted.
    (root / "ext/models/anthropic/config.py").write_text(
        files["ext/models/anthropic/config.py"])
    for provider in ("openai", "anthropic"):
        (root / f"ext/models/{provider}/client.py").write_text("import json\n")
    the_finding(root, "ext/models/anthropic/config.py", Severity.WARNING)

def test_copies_in_mirrored_parallel_packages_are_info(make_project) -> None:
    files = mirrored_packages(skip="actions")
    body = ["create", "update", "validate_name", "to_dict"]
    files["app/client/schemas/actions.py"] = _methods("FlowRunCreate", body)
    files["app/server/schemas/actions.py"] = _methods("FlowRunCreate", body)
    files["app/main.py"] = "from app.client.schemas.actions import FlowRunCreate\n"
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("app/server/schemas/actions.py", Severity.INFO)
    assert "sit in parallel packages app.server and app.client" in f.message
    # Importing the other side makes it one concept again.
    files["app/server/schemas/actions.py"] = "import app.client.schemas.actions\n" + files[
        "app/server/schemas/actions.py"]
    [f] = class_findings(make_project(files))
    assert f.severity == Severity.WARNING


def test_small_copies_beside_a_counted_copy_of_the_same_modules(make_project) -> None:
    shared = ("from typing import NamedTuple\n"
              "class HookInfo(NamedTuple):\n" + "".join(
                  f"    {f}: str\n" for f in ("hook", "package", "name", "conn_type")) +
              "class TriggerInfo(NamedTuple):\n    trigger: str\n    package: str\n"
              "from collections.abc import MutableMapping\n"
              "class LazyDict(MutableMapping):\n" + "".join(
                  f"    def {m}(self, *a): ...\n" for m in (
                      "__getitem__", "__setitem__", "__delitem__", "__iter__", "__len__",
                      "clear")))
    root = make_project({
        "app/providers_manager.py": shared,
        "app/_shared/discovery.py": shared,
        "app/cli.py": "from app.providers_manager import HookInfo\n",
    })
    got = sorted((f.path, f.concept, f.severity) for f in class_findings(root))
    assert got == [("app/_shared/discovery.py", "HookInfo", Severity.WARNING),
                   ("app/_shared/discovery.py", "LazyDict", Severity.WARNING),
                   ("app/_shared/discovery.py", "TriggerInfo", Severity.WARNING)]
    lazy = next(f for f in class_findings(root) if f.concept == "LazyDict")
    assert lazy.message.endswith(
        "this copy has the same 6 members as the one in app.providers_manager, dunders "
        "included: a small class, reported because the two modules also share copies of "
        "`HookInfo`")
    # Without the counted copy, the small ones are each module's own helpers.
    alone = shared.split("class TriggerInfo")[0].replace("HookInfo", "HookInfoA")
    root = make_project({"app/providers_manager.py": alone + "class TriggerInfo" +
                         shared.split("class TriggerInfo")[1],
                         "app/_shared/discovery.py": "class TriggerInfo" +
                         shared.split("class TriggerInfo")[1].replace(
                             "(NamedTuple)", "(tuple)")})
    assert [f for f in class_findings(root) if f.concept == "TriggerInfo"] == []


def test_a_private_class_is_a_copy_only_when_nearly_identical(make_project) -> None:
    root = make_project({
        "app/dispatch.py": "from typing import TypedDict\nclass _Options(TypedDict):\n"
                           "    headers: dict\n    timeout: float\n",
        "app/files.py": "from typing import TypedDict\nclass _Options(TypedDict):\n"
                        "    headers: dict\n    timeout: float\n    body: dict\n    query: dict\n",
    })
    assert class_findings(root) == []


def test_backends_of_one_base_as_a_package_and_a_module_are_a_convention(make_project) -> None:
    # slack_sdk's socket mode: `builtin/client.py` and `websocket_client/__init__.py` each
    # define `SocketModeClient(BaseSocketModeClient)`; the package's `__init__` is a module
    # inside it, so both sit at `socket_mode/*/*`.
    body = "".join(f"    def {m}(self): ...\n" for m in (
        "connect", "disconnect", "send_message", "close", "is_connected", "run_message_listeners"))
    client = "from app.socket_mode.client import BaseClient\nclass SocketModeClient(BaseClient):\n"
    files = {
        "app/__init__.py": "",
        "app/socket_mode/__init__.py": "",
        "app/socket_mode/client.py": "class BaseClient:\n    def process(self): ...\n",
        "app/socket_mode/builtin/__init__.py": "",
        "app/socket_mode/builtin/client.py": client + body,
        "app/socket_mode/websocket_client/__init__.py": client + body,
        "app/main.py": "from app.socket_mode.builtin.client import SocketModeClient\n",
    }
    assert class_findings(make_project(files)) == []
    # Without the shared first-party base they are copies.
    files["app/socket_mode/websocket_client/__init__.py"] = "class SocketModeClient:\n" + body
    files["app/socket_mode/builtin/client.py"] = "class SocketModeClient:\n" + body
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("app/socket_mode/websocket_client/__init__.py",
                                    Severity.WARNING)
    assert f.message.endswith(
        "this copy has the same 6 members as the one in app.socket_mode.builtin.client")


def test_versions_of_one_module_keep_their_own_classes(make_project) -> None:
    # litellm's `cohere/embed/v1_transformation.py` (legacy) beside `transformation.py`.
    body = ["get_supported_params", "map_params", "transform_request", "transform_response"]
    files = {
        "llm/cohere/embed/transformation.py": _methods("CohereEmbeddingConfig", body),
        "llm/cohere/embed/v1_transformation.py": _methods("CohereEmbeddingConfig", body[:3] + [
            "is_v3_model"]),
        "llm/main.py": "from llm.cohere.embed.transformation import CohereEmbeddingConfig\n",
    }
    root = make_project(files)
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("llm/cohere/embed/v1_transformation.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: llm.cohere.embed.v1_transformation and "
        "llm.cohere.embed.transformation are versions of one module (`v1_transformation` "
        "and `transformation`): each API version keeps its own classes")
    assert f.confidence_reasons[-1] == "versions of one module"
    # A module name that merely ends in a digit is no version.
    (root / "llm/cohere/embed/v1_transformation.py").rename(
        root / "llm/cohere/embed/http2_transformation.py")
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("llm/cohere/embed/http2_transformation.py", Severity.WARNING)


def test_a_beta_apis_module_keeps_its_own_classes(make_project) -> None:
    # An SDK's hand-written `lib/streaming/_beta_types.py` beside `_types.py`: the beta
    # API's stream events, typed on the beta API's blocks.
    body = ["accumulate", "snapshot", "text", "close"]
    files = {
        "sdk/lib/streaming/_types.py": _methods("MessageStream", body),
        "sdk/lib/streaming/_beta_types.py": _methods("MessageStream", body[:3] + ["compact"]),
        "sdk/main.py": "from sdk.lib.streaming._types import MessageStream\n",
    }
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("sdk/lib/streaming/_beta_types.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: sdk.lib.streaming._beta_types and sdk.lib.streaming._types are "
        "versions of one module (`_beta_types` and `_types`): each API version keeps its "
        "own classes")


def test_argument_schemas_of_plugins_in_sibling_packages_are_a_convention(make_project) -> None:
    # langchain's mail tools: `tools/<vendor>/send_message.py` each define the tool on a
    # first-party base and its own pydantic `SendMessageSchema`, held as `args_schema`.
    schema = ("from pydantic import BaseModel\nclass SendMessageSchema(BaseModel):\n"
              "    message: str\n    to: str\n    subject: str\n    cc: str\n")
    files = {"app/__init__.py": "", "app/tools/__init__.py": "",
             "app/tools/base.py": "class BaseTool:\n    def run(self): ...\n"}
    for vendor in ("gmail", "office365", "slack"):
        files[f"app/tools/{vendor}/send_message.py"] = schema + (
            f"from app.tools.base import BaseTool\nclass {vendor.title()}Send(BaseTool):\n"
            f"    args_schema = SendMessageSchema\n    def send(self): ...\n")
    root = make_project(files)
    assert class_findings(root) == []
    # Only two packages hold the module: an old and a new copy, not yet a convention.
    (root / "app/tools/slack/send_message.py").unlink()
    [f] = class_findings(root)
    assert (f.concept, f.severity) == ("SendMessageSchema", Severity.WARNING)
    assert f.message.endswith("this copy has the same 4 members as the one in "
                              "app.tools.gmail.send_message")


def test_sub_packages_of_two_plugins_that_import_each_other_elsewhere(make_project) -> None:
    # pipecat: the Azure plugin's chat service builds on the OpenAI plugin's, and each
    # plugin models its own vendor's realtime API in a sub-package of its own.
    body = ["model_dump", "from_dict", "validate_item", "to_wire"]
    files = plugin_host(("openai", "azure", "ring", "sonos", "tado", "plex"))
    files["app/components/openai/llm.py"] = "class LLMService:\n    pass\n"
    files["app/components/azure/llm.py"] = "from app.components.openai.llm import LLMService\n"
    for plugin, sub in (("openai", "realtime"), ("azure", "voice_live")):
        files[f"app/components/{plugin}/{sub}/__init__.py"] = ""
        files[f"app/components/{plugin}/{sub}/events.py"] = _methods("ConversationItem", body)
    files["app/main.py"] = "from app.components.openai.realtime.events import ConversationItem\n"
    f = the_finding(make_project(files), "app/components/azure/voice_live/events.py",
                    Severity.INFO)
    assert f.confidence_reasons[-1] == "independent plugins"
    # The plugins do import each other: the message names the two that do not.
    assert ("neither app.components.azure.voice_live nor app.components.openai.realtime "
            "imports the other: independent plugins") in f.message
    # The sub-packages themselves related by an import: one body of code, a copy.
    files["app/components/azure/voice_live/llm.py"] = (
        "from app.components.openai.realtime import events\n")
    the_finding(make_project(files), "app/components/azure/voice_live/events.py",
                Severity.WARNING)


def test_copies_in_two_plugins_of_a_plugin_host_are_info(make_project) -> None:
    body = ["connect", "discover", "refresh", "close"]
    files = plugin_host()
    files["app/components/hue/coordinator.py"] = _methods("DiscoveryService", body)
    files["app/components/nest/bridge.py"] = _methods("DiscoveryService", body)
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("app/components/nest/bridge.py", Severity.INFO)
    assert f.confidence_reasons == ("same name", "4 of 4 members shared", "independent plugins")
    assert f.message.endswith(
        "shown, not counted: app.components.nest.bridge and app.components.hue.coordinator "
        "are in app.components.nest and app.components.hue, two plugins of app.components "
        "(6 sibling packages, most with a `const` module), and neither plugin imports the "
        "other: independent plugins keep their own code")
    # A module of the host's parent package is in no plugin: its copy is judged as ever.
    # The plugin that imports it holds a copy of it; the one that does not is independent
    # of it (no import, no package, no rare path word between the two).
    files["app/core.py"] = _methods("DiscoveryService", body)
    files["app/components/hue/coordinator.py"] = "import app.core\n" + files[
        "app/components/hue/coordinator.py"]
    found = class_findings(make_project(files))
    assert [(f.path, f.severity, f.confidence_reasons[-1]) for f in found] == [
        ("app/components/hue/coordinator.py", Severity.WARNING, "one module imports the other"),
        ("app/components/nest/bridge.py", Severity.INFO, "independent modules")]


def test_backends_under_a_backends_directory_at_any_depth_are_info(make_project) -> None:
    files = {"app/__init__.py": "", "app/search/backends/__init__.py": "",
             "app/search/backends/database/__init__.py": ""}
    for db in ("mysql", "sqlite"):
        files[f"app/search/backends/database/{db}/__init__.py"] = ""
        files[f"app/search/backends/database/{db}/query.py"] = _methods(
            "LexemeCombinable", ["combine", "invert", "resolve", "as_sql"])
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("app/search/backends/database/sqlite/query.py",
                                    Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: app.search.backends.database.sqlite.query and "
        "app.search.backends.database.mysql.query are interchangeable backends under "
        "app.search.backends: one interface, implementations chosen by configuration")


@pytest.mark.parametrize("pair", [
    # strawberry: one set of message types per websocket sub-protocol.
    ("gql/subscriptions/protocols/graphql_ws/types.py",
     "gql/subscriptions/protocols/graphql_transport_ws/types.py"),
    # manticore: one emulated operating system per module.
    ("emu/platforms/linux.py", "emu/platforms/decree.py"),
])
def test_implementations_under_protocols_or_platforms_are_backends(make_project,
                                                                   pair: tuple[str, str]
                                                                   ) -> None:
    body = ["connect", "receive", "transmit", "close"]
    root = make_project({pair[0]: _methods("Socket", body), pair[1]: "import os\n"
                         + _methods("Socket", body),
                         "main.py": f"from {pair[0][:-3].replace('/', '.')} import Socket\n"})
    [f] = class_findings(root)
    assert (f.path, f.severity, f.confidence_reasons[-1]) == (
        pair[1], Severity.INFO, "interchangeable backends")
    # Elsewhere the same two modules hold one class twice.
    folder = next(p for p in Path(pair[0]).parents if p.name in ("protocols", "platforms"))
    (root / folder).rename(root / folder.with_name("kinds"))
    moved = [p.replace(f"/{folder.name}/", "/kinds/") for p in pair]
    dotted = moved[0][:-3].replace("/", ".")
    (root / moved[1]).write_text(f"import {dotted}\n" + _methods("Socket", body))
    (root / "main.py").write_text(f"from {dotted} import Socket\n")
    [f] = class_findings(root)
    assert (f.path, f.severity) == (moved[1], Severity.WARNING)


def test_modules_parting_far_below_a_protocols_directory_are_not_backends(make_project
                                                                          ) -> None:
    # os-ken's `services/protocols/bgp/utils/thrding.py` and `evtlet.py`: `protocols`
    # groups whole subsystems; the modules part in `bgp/utils/`.
    body = ["start", "stop", "wait", "reset"]
    root = make_project({
        "osk/services/protocols/bgp/utils/evtlet.py": _methods("LoopingCall", body),
        "osk/services/protocols/bgp/utils/thrding.py":
            "import osk.services.protocols.bgp.utils.evtlet\n" + _methods("LoopingCall", body),
        "osk/main.py": "from osk.services.protocols.bgp.utils.evtlet import LoopingCall\n"})
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("osk/services/protocols/bgp/utils/thrding.py",
                                    Severity.WARNING)


COMMAND = ("from django.core.management.base import BaseCommand\n"
           "class Command(BaseCommand):\n    help = 'x'\n"
           "    def add_arguments(self, parser): ...\n    def handle(self, **options): ...\n"
           "    def write(self, *args): ...\n    def print_newline(self): ...\n")


def test_a_framework_class_at_its_place_on_a_third_party_base_is_a_convention(
        make_project) -> None:
    # Django finds `Command` in every `management/commands/*.py`: three of them on
    # `BaseCommand` are the convention, however alike.
    paths = ["app/management/commands/rebuild.py",
             "app/search/management/commands/update_index.py",
             "app/images/management/commands/renditions.py"]
    # One imports the base from the package that re-exports it: the same base.
    reexported = COMMAND.replace("django.core.management.base", "django.core.management")
    root = make_project({"app/__init__.py": "", **{p: COMMAND for p in paths},
                         paths[1]: reexported})
    assert class_findings(root) == []
    # A distinctive name is the project's own class wherever it sits: copies.
    renamed = make_project({p: COMMAND.replace("class Command", "class ReindexCommand")
                            for p in paths})
    assert len(class_findings(renamed)) == 2
    for p in paths:
        (renamed / p).write_text(COMMAND)
    # Two are not yet a convention: a copied command is reported.
    (root / paths[2]).unlink()
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("app/search/management/commands/update_index.py",
                                    Severity.WARNING)


def test_a_framework_convention_counts_every_framework_base_at_its_place(make_project) -> None:
    # horizon: `startdash` and `startpanel` derive from `TemplateCommand`, `pull_catalog`
    # from `BaseCommand`; three `Command`s in `management/commands/` are Django's convention.
    template = COMMAND.replace("base import BaseCommand", "templates import TemplateCommand"
                               ).replace("(BaseCommand)", "(TemplateCommand)")
    files = {"app/__init__.py": "",
             "app/management/commands/startdash.py": template,
             "app/management/commands/startpanel.py": template,
             "app/management/commands/pull_catalog.py": COMMAND}
    assert class_findings(make_project(files)) == []
    # A plain class of the name there is no third command: two are a copy.
    files["app/management/commands/pull_catalog.py"] = "class Command:\n    pass\n"
    [f] = class_findings(make_project(files))
    assert f.severity is Severity.WARNING


def test_two_commands_of_one_app_are_the_convention_of_every_app(make_project) -> None:
    # ralph: `scan/management/commands/scan.py` and `autoscan.py` share their whole package
    # path; the place Django looks in is its tail, where the project has more commands.
    files = {"ralph/__init__.py": "",
             "ralph/scan/management/commands/scan.py": COMMAND,
             "ralph/scan/management/commands/autoscan.py": COMMAND}
    [f] = class_findings(make_project(files))
    assert f.severity is Severity.WARNING
    files["ralph/cmdb/management/commands/cmdb_sync.py"] = COMMAND
    assert class_findings(make_project(files)) == []


def test_modules_named_for_two_stores_are_backends(make_project) -> None:
    # apache-beam: `ingestion/mysql_common.py` and `postgres_common.py` each keep their own
    # `ColumnSpecsBuilder`, and neither imports its database's client library (JDBC).
    body = ["with_defaults", "with_id_spec", "with_content_spec", "build"]
    root = make_project({
        "rag/__init__.py": "", "rag/ingestion/__init__.py": "",
        "rag/ingestion/mysql_common.py": _methods("ColumnSpecsBuilder", body),
        "rag/ingestion/postgres_common.py": _methods("ColumnSpecsBuilder", body + ["sparse"]),
        "rag/use.py": "from rag.ingestion.postgres_common import ColumnSpecsBuilder\n",
    })
    f = the_finding(root, "rag/ingestion/mysql_common.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: rag.ingestion.mysql_common and rag.ingestion.postgres_common are "
        "backends for `mysql` and `postgres`: one interface, two implementations")
    # Other words in those places name no backend: a copy.
    for old, new in (("mysql_common", "alpha_common"), ("postgres_common", "omega_common")):
        (root / f"rag/ingestion/{new}.py").write_text(
            (root / f"rag/ingestion/{old}.py").read_text())
        (root / f"rag/ingestion/{old}.py").unlink()
    (root / "rag/use.py").write_text("from rag.ingestion.omega_common import ColumnSpecsBuilder\n")
    the_finding(root, "rag/ingestion/alpha_common.py", Severity.WARNING)


def test_copies_in_twin_packages_are_info(make_project) -> None:
    # One package per language, each with the same modules: their ASTs mirror by design.
    files = {f"app/domains/{lang}/{m}.py": "" for lang in ("c", "cpp")
             for m in ("__init__", "_ids", "_parser", "_symbol")}
    for lang in ("c", "cpp"):
        files[f"app/domains/{lang}/_ast.py"] = _methods(
            "ASTDeclaration", ["clone", "describe_signature", "get_id", "name"])
    [f] = class_findings(make_project(files))
    assert (f.path, f.severity) == ("app/domains/cpp/_ast.py", Severity.INFO)
    assert f.confidence_reasons == ("same name", "4 of 4 members shared", "twin packages")
    assert f.message.endswith(
        "shown, not counted: app.domains.cpp._ast and app.domains.c._ast sit in twin packages "
        "app.domains.cpp and app.domains.c, which hold the same modules (_ast, _ids, _parser "
        "and _symbol): one implementation per variant, each keeping its own classes")
    # One holding only modules the other has too still mirrors it (opik's
    # `migrate/prompts/` beside `migrate/datasets/`, which has more).
    for i in range(4):
        files[f"app/domains/c/extra{i}.py"] = ""
    [f] = class_findings(make_project(files))
    assert (f.severity, f.confidence_reasons[-1]) == (Severity.INFO, "twin packages")
    # Packages that share a few module names among many of their own are no twins.
    for i in range(4):
        files[f"app/domains/cpp/more{i}.py"] = ""
    [f] = class_findings(make_project(files))
    assert f.severity == Severity.WARNING


def the_finding(root: Path, path: str, severity: Severity) -> Finding:
    """The one SSOT103 finding of the project, after checking where it is and how severe."""
    [f] = class_findings(root)
    assert (f.path, f.severity) == (path, severity)
    return f


def test_variants_of_one_module_for_two_platforms_keep_their_own_classes(make_project) -> None:
    # twisted's `internet/_posixstdio.py` and `internet/_win32stdio.py`: one StandardIO per
    # platform, picked at import time, with the same public methods.
    body = ["loseConnection", "write", "writeSequence", "getPeer", "getHost", "pauseProducing"]
    files = {
        "net/__init__.py": "",
        "net/_posixstdio.py": _methods("StandardIO", body + ["_readConnectionLost"]),
        "net/_win32stdio.py": _methods("StandardIO", body + ["checkConnLost"]),
        "net/stdio.py": "from net._posixstdio import StandardIO\n",
    }
    root = make_project(files)
    f = the_finding(root, "net/_win32stdio.py", Severity.INFO)
    assert f.confidence_reasons[-1] == "platform or concurrency variants"
    assert f.message.endswith(
        "shown, not counted: net._win32stdio and net._posixstdio are variants of one module "
        "for two platforms or concurrency models (`_win32stdio` and `_posixstdio`): each "
        "keeps its own classes")
    # A Windows toolchain is a platform too (pygame's `config_msys2.py` beside
    # `config_win.py`).
    (root / "net/_win32stdio.py").rename(root / "net/_msys2_stdio.py")
    the_finding(root, "net/_msys2_stdio.py", Severity.INFO)
    # Another word in the name is no platform: the drift is counted again.
    (root / "net/_msys2_stdio.py").rename(root / "net/_pipestdio.py")
    the_finding(root, "net/_pipestdio.py", Severity.WARNING)


def test_a_copy_in_an_asyncio_package_is_the_async_variant(make_project) -> None:
    # sentry-sdk's `integrations/grpc/server.py` and `integrations/grpc/aio/server.py`: the
    # same interceptor once with plain methods and once with `async def` ones.
    body = ["__init__", "intercept_service", "_find_method_name", "_start_span"]
    files = {
        "sdk/__init__.py": "", "sdk/grpc/__init__.py": "", "sdk/grpc/aio/__init__.py": "",
        "sdk/grpc/server.py": _methods("ServerInterceptor", body),
        "sdk/grpc/aio/server.py": _methods("ServerInterceptor", body[:3] + ["wrapped"]),
        "sdk/setup.py": "from sdk.grpc.server import ServerInterceptor\n",
    }
    root = make_project(files)
    f = the_finding(root, "sdk/grpc/aio/server.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: sdk.grpc.aio.server and sdk.grpc.server are variants of one "
        "module for two platforms or concurrency models (sdk.grpc.aio holds one variant): "
        "each keeps its own classes")
    # The async variant that imports the sync one builds on it: a copy there counts.
    (root / "sdk/grpc/aio/server.py").write_text(
        "from sdk.grpc import server as _sync\n" + _methods("ServerInterceptor", body[:3] + [
            "wrapped"]))
    the_finding(root, "sdk/grpc/aio/server.py", Severity.WARNING)


def test_a_class_whose_shared_methods_are_async_in_one_copy_is_its_async_twin(
        make_project) -> None:
    # azure-eventhub: `_pyamqp/aio/_connection_async.py` imports `_connection`'s helpers
    # and keeps its own `Connection`, the same methods as `async def`.
    body = ["open", "close", "listen", "do_work"]
    sync = "def get_local_timeout(): ...\n" + _methods("Connection", body)
    asynchronous = ("from amqp._connection import get_local_timeout\n"
                    + _methods("Connection", body).replace("    def ", "    async def "))
    files = {"amqp/__init__.py": "", "amqp/aio/__init__.py": "",
             "amqp/_connection.py": sync, "amqp/aio/_connection_async.py": asynchronous}
    root = make_project(files)
    f = the_finding(root, "amqp/aio/_connection_async.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: `Connection` in amqp.aio._connection_async is the async twin "
        "of the one in amqp._connection (4 of the 4 methods they share are `async def` "
        "there): one class for each concurrency model, which callers await or call, not "
        "one class copied")
    assert f.confidence_reasons[-1] == "sync and async twins"
    # One coroutine among four shared methods is one class copied and extended: counted.
    one = _methods("Connection", body).replace("    def open", "    async def open")
    (root / "amqp/aio/_connection_async.py").write_text(
        "from amqp._connection import get_local_timeout\n" + one)
    the_finding(root, "amqp/aio/_connection_async.py", Severity.WARNING)


def test_a_second_implementation_inside_the_package_keeps_its_own_classes(make_project) -> None:
    # twisted's `internet/iocpreactor/`: its own tcp, udp, abstract and interfaces
    # modules beside `internet/`'s, for the Windows I/O completion port reactor.
    body = ["getHandle", "loseConnection", "write", "getPeer", "getHost", "readConnectionLost"]
    mirrored = ("abstract", "interfaces", "udp")
    files = {"net/__init__.py": "", "net/iocp/__init__.py": "",
             **{f"net/{m}.py": "" for m in mirrored},
             **{f"net/iocp/{m}.py": "" for m in mirrored},
             "net/tcp.py": _methods("Connection", body + ["_dataReceived"], "_helper = 1\n"),
             # it builds on the package's own tcp module, and still keeps its Connection
             "net/iocp/tcp.py": _methods("Connection", body + ["TLS"],
                                         "from net.tcp import _helper\n"),
             "net/main.py": "from net.tcp import Connection\n"}
    root = make_project(files)
    f = the_finding(root, "net/iocp/tcp.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: net.iocp holds its own abstract, interfaces, tcp, udp beside "
        "net's: a second implementation of the package, which keeps its own classes")
    # A sub-package with one module of the package's names is no second implementation.
    for m in mirrored:
        (root / f"net/iocp/{m}.py").unlink()
    the_finding(root, "net/iocp/tcp.py", Severity.WARNING)


def test_a_package_that_mirrors_its_parents_packages_keeps_its_own_classes(
        make_project) -> None:
    # pyscf's `pbc/`: the periodic-boundary code, with its own `adc`, `cc`, `scf`... whose
    # modules are named for k-points (`adc/radc_ea.py` beside `pbc/adc/kadc_rhf_ea.py`).
    body = ["kernel", "get_init_guess", "matvec", "get_diag", "dump_flags"]
    files = {"chem/__init__.py": "", "chem/pbc/__init__.py": ""}
    for sub in ("adc", "cc", "scf"):
        files[f"chem/{sub}/__init__.py"] = files[f"chem/pbc/{sub}/__init__.py"] = ""
    files["chem/adc/radc_ea.py"] = _methods("RADCEA", body + ["ea_adc"])
    files["chem/pbc/adc/kadc_rhf_ea.py"] = _methods(
        "RADCEA", body + ["kpts"], "from chem.adc import radc_ea\n")
    files["chem/main.py"] = "from chem.adc.radc_ea import RADCEA\n"
    root = make_project(files)
    f = the_finding(root, "chem/pbc/adc/kadc_rhf_ea.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: chem.pbc holds its own adc, cc, scf beside chem's: a second "
        "implementation of the package, which keeps its own classes")
    # Deeper inside the mirrored package too (tacker's `sol_refactored/objects/v2/`).
    (root / "chem/pbc/adc/v2").mkdir()
    (root / "chem/pbc/adc/v2/__init__.py").write_text("")
    (root / "chem/pbc/adc/kadc_rhf_ea.py").rename(root / "chem/pbc/adc/v2/kadc_rhf_ea.py")
    the_finding(root, "chem/pbc/adc/v2/kadc_rhf_ea.py", Severity.INFO)
    (root / "chem/pbc/adc/v2/kadc_rhf_ea.py").rename(root / "chem/pbc/adc/kadc_rhf_ea.py")
    # A package that mirrors only one of its parent's is no second implementation: a copy.
    for sub in ("cc", "scf"):
        shutil.rmtree(root / f"chem/pbc/{sub}")
    the_finding(root, "chem/pbc/adc/kadc_rhf_ea.py", Severity.WARNING)
    # A small sub-package made only of its parent's module names mirrors it too.
    shutil.rmtree(root)
    small = {"chem/__init__.py": "", "chem/qmmm/__init__.py": "",
             "chem/qmmm/pbc/__init__.py": "", "chem/qmmm/mm_mole.py": "",
             "chem/qmmm/pbc/mm_mole.py": "",
             "chem/qmmm/itrf.py": _methods("QMMMGrad", body),
             "chem/qmmm/pbc/itrf.py": _methods("QMMMGrad", body + ["kpts"],
                                               "from chem.qmmm import itrf\n"),
             "chem/main.py": "from chem.qmmm.itrf import QMMMGrad\n"}
    the_finding(make_project(small), "chem/qmmm/pbc/itrf.py", Severity.INFO)
    # A sub-resource holding a module named after itself mirrors nothing (anthropic's
    # `sessions/threads/` with `events` and `threads`, beside `sessions/events`).
    shutil.rmtree(root)
    resource = {"api/__init__.py": "", "api/sessions/__init__.py": "",
                "api/sessions/threads/__init__.py": "",
                "api/sessions/threads/threads.py": "",
                "api/sessions/events.py": _methods("Events", body),
                "api/sessions/threads/events.py": _methods("Events", body + ["send"]),
                "api/main.py": "from api.sessions.events import Events\n"}
    the_finding(make_project(resource), "api/sessions/threads/events.py", Severity.WARNING)


def test_sync_is_a_variant_against_an_async_side(make_project) -> None:
    # `sync/` beside `asyncio/`: one client per concurrency model.
    body = ["get", "post", "close", "request", "send"]
    files = {"api/__init__.py": "", "api/sync/__init__.py": "", "api/asyncio/__init__.py": "",
             "api/sync/client.py": _methods("Client", body + ["_retry"]),
             "api/asyncio/client.py": _methods("Client", body + ["_aretry"]),
             "api/main.py": "from api.sync.client import Client\n"}
    root = make_project(files)
    the_finding(root, "api/asyncio/client.py", Severity.INFO)


def test_sync_for_data_synchronisation_is_no_variant(make_project) -> None:
    body = ["get", "post", "close", "request", "send"]
    # `sync/` as data synchronisation, beside the package's own models: counted.
    files = {"app/__init__.py": "", "app/sync/__init__.py": "",
             "app/models.py": _methods("Record", body + ["_retry"]),
             "app/sync/models.py": _methods("Record", body + ["_pull"]),
             "app/main.py": "from app.models import Record\n"}
    root = make_project(files)
    the_finding(root, "app/sync/models.py", Severity.WARNING)
    # ... and `data_sync.py` beside `data.py` is no variant either.
    (root / "app/sync/models.py").unlink()
    (root / "app/data.py").write_text(_methods("Record", body + ["_retry"]))
    (root / "app/data_sync.py").write_text(_methods("Record", body + ["_pull"]))
    (root / "app/models.py").unlink()
    (root / "app/main.py").write_text("from app.data import Record\n")
    the_finding(root, "app/data_sync.py", Severity.WARNING)


def test_a_copy_that_overrides_a_member_from_its_base_does_not_lack_it(make_project) -> None:
    # manticore: Linux's `Socket(FdLike)` overrides `is_full`, which the comparison leaves
    # out (siblings overriding one interface are no copies); it defines it all the same.
    base = "class FdLike:\n    def is_full(self): ...\n"
    linux = base + _methods("Socket(FdLike)", ["is_full", "read", "write", "close", "sync"])
    decree = ("from emu.linux import FdLike\n"
              + _methods("Socket", ["is_full", "read", "write", "close", "peer"]))
    root = make_project({"emu/__init__.py": "", "emu/linux.py": linux, "emu/decree.py": decree,
                         "emu/use.py": "from emu.linux import Socket\n"})
    [f] = class_findings(root)
    assert f.path == "emu/decree.py"
    assert "lacks sync;" in f.message and "is_full" not in f.message
    assert f.message.endswith("it has peer which emu.linux lacks")


def _with_severities(root: Path, expected: dict[str, Severity]) -> dict[str, Finding]:
    """The SSOT103 findings by path, after checking each path's severity."""
    found = {f.path: f for f in class_findings(root)}
    assert {path: f.severity for path, f in found.items()} == expected
    return found


def test_modules_named_for_their_libraries_in_other_spellings_are_backends(
        make_project) -> None:
    # `utils/thrding.py` and `utils/evtlet.py`, one `LoopingCall` on threading and one on
    # eventlet, each importing its library; alibi-detect's `utils/pytorch/kernels.py`
    # (torch) and `utils/keops/kernels.py` (pykeops).
    body = ["start", "stop", "wait", "reset"]
    root = make_project({
        "bgp/utils/thrding.py": _methods("LoopingCall", body, "import threading\n"),
        "bgp/utils/evtlet.py": _methods("LoopingCall", body, "import eventlet\n"),
        "bgp/main.py": "from bgp.utils.evtlet import LoopingCall\n",
        "det/pytorch/kernels.py": _methods("GaussianRBF", body, "import torch\n"),
        "det/keops/kernels.py": _methods("GaussianRBF", body,
                                         "import torch\nfrom pykeops.torch import LazyTensor\n"),
        "det/main.py": "from det.pytorch.kernels import GaussianRBF\n",
    })
    found = _with_severities(root, {"bgp/utils/thrding.py": Severity.INFO,
                                    "det/keops/kernels.py": Severity.INFO})
    assert found["bgp/utils/thrding.py"].message.endswith(
        "shown, not counted: bgp.utils.thrding and bgp.utils.evtlet are backends on "
        "`threading` and `eventlet`, each importing its library: one interface, two "
        "implementations")
    assert "backends on `pykeops` and `torch`" in found["det/keops/kernels.py"].message
    # Without the libraries, the same modules hold one class twice.
    for path, name in (("bgp/utils/thrding.py", "LoopingCall"),
                       ("det/keops/kernels.py", "GaussianRBF")):
        (root / path).write_text(_methods(name, body))
    _with_severities(root, {"bgp/utils/thrding.py": Severity.WARNING,
                            "det/keops/kernels.py": Severity.WARNING})


def test_numbered_versions_of_one_module_keep_their_own_classes(make_project) -> None:
    # bilby's `sampler/dynesty3_utils.py`, for dynesty 3, beside `dynesty_utils.py`;
    # pysnmp's `proto/rfc1155.py` and `rfc1902.py`, one SMI per RFC; a bare number too.
    body = ["initialize", "propose", "update", "finalize"]
    root = make_project({
        "smp/dynesty_utils.py": _methods("ACTSampler", body),
        "smp/dynesty3_utils.py": _methods("ACTSampler", body),
        "smp/main.py": "from smp.dynesty_utils import ACTSampler\n",
        "snmp/rfc1902.py": "class Integer: ...\n" + _methods("IpAddress", body),
        "snmp/rfc1155.py": "from snmp.rfc1902 import Integer\n" + _methods("IpAddress", body),
        # vllm's `models/nemotron_parse3_5.py`, the model's version 3.5.
        "models/nemotron_parse.py": "class Layer: ...\n" + _methods("MBartDecoder", body),
        "models/nemotron_parse3_5.py": "from models.nemotron_parse import Layer\n"
                                       + _methods("MBartDecoder", body),
    })
    found = _with_severities(root, {"smp/dynesty3_utils.py": Severity.INFO,
                                    "snmp/rfc1155.py": Severity.INFO,
                                    "models/nemotron_parse3_5.py": Severity.INFO})
    assert found["smp/dynesty3_utils.py"].message.endswith(
        "shown, not counted: smp.dynesty3_utils and smp.dynesty_utils are versions of one "
        "module (`dynesty3_utils` and `dynesty_utils`): each API version keeps its own "
        "classes")


def test_a_small_class_beside_a_copy_is_not_reported_when_its_code_is_other_code(
        make_project) -> None:
    # sktime's `convtimenet/_dlutils.py` and `forecaster/_patch_layers.py` share a copied
    # `BoxCoder`; their `OffsetPredictor`s have the same two members, but other code.
    coder = "class BoxCoder:\n" + "".join(
        f"    def {m}(self, x):\n        y = x + {i}\n        return y * 2\n"
        for i, m in enumerate(("encode", "decode", "anchors", "meshgrid")))

    def predictor(body: str) -> str:
        return ("class OffsetPredictor:\n    def __init__(self, n):\n"
                f"        self.n = {body}\n        self.k = n\n        self.layers = []\n"
                f"    def forward(self, x):\n        z = x.{body}()\n        return z\n")
    files = {"net/__init__.py": "", "net/dlutils.py": coder + predictor("n * 2"),
             "net/forecaster/patch.py": "import net.dlutils\n" + coder + predictor("n * 2"),
             "net/main.py": "from net.dlutils import BoxCoder, OffsetPredictor\n"}
    root = make_project(files)
    assert sorted(f.concept for f in class_findings(root)) == ["BoxCoder", "OffsetPredictor"]
    other = coder + ("class OffsetPredictor:\n    def __init__(self, n):\n"
                     "        self.conv = [Conv1d(n, n) for _ in range(3)]\n"
                     "        self.zero_init = True\n        self.channels = n * n\n"
                     "    def forward(self, x):\n        out = [c(x) for c in self.conv]\n"
                     "        return sum(out) / len(out)\n")
    (root / "net/forecaster/patch.py").write_text("import net.dlutils\n" + other)
    assert [f.concept for f in class_findings(root)] == ["BoxCoder"]


def test_the_same_few_members_on_one_framework_base_are_no_drift(make_project) -> None:
    # tendenci's `NoticeForm` in two apps: three members on django's `ModelForm`, too few
    # to call a copy there, and reported as "drifted: the same 3 members".
    form = ("from django import forms\nclass NoticeForm(forms.ModelForm):\n"
            "    notice_time_type = forms.ChoiceField()\n    def clean(self): ...\n"
            "    def save(self, *a): ...\n")
    files = {"apps/__init__.py": "", "apps/memberships/forms.py": form,
             "apps/chapters/forms.py": "from apps.memberships.forms import forms\n" + form,
             "apps/urls.py": "from apps.memberships.forms import NoticeForm\n"}
    assert class_findings(make_project(files)) == []
    # One member more each, and the framework base no longer hides them: a copy.
    four = form + "    def save_m2m(self): ...\n"
    root = make_project({**files, "apps/memberships/forms.py": four,
                         "apps/chapters/forms.py": "from apps.memberships.forms import forms\n"
                                                   + four})
    [f] = class_findings(root)
    assert (f.path, f.severity) == ("apps/chapters/forms.py", Severity.WARNING)
    assert "drifted" not in f.message


def test_the_copy_the_other_imports_from_is_the_canonical_one(make_project) -> None:
    # airflow: `providers_manager.py` imports from the shared `_shared/discovery.py` and
    # keeps its own copies; more modules import the manager, but the shared library must
    # not import it back: the upstream copy is the home.
    body = ["hook_class_name", "package_name", "connection_type", "connection_testable"]
    shared = "def discover(): ...\n" + _methods("HookInfo", body)
    manager = "from app._shared.discovery import discover\n" + _methods("HookInfo", body)
    files = {"app/__init__.py": "", "app/_shared/__init__.py": "",
             "app/_shared/discovery.py": shared, "app/providers_manager.py": manager,
             "app/cli.py": "from app.providers_manager import HookInfo\n",
             "app/web.py": "from app.providers_manager import HookInfo\n"}
    f = the_finding(make_project(files), "app/providers_manager.py", Severity.WARNING)
    assert f.message.startswith(
        "class `HookInfo` is defined in 2 modules (suggested canonical: app._shared.discovery, "
        "app.providers_manager imports from it: the upstream copy)")
    # Without the import, the more imported copy is the home.
    files["app/providers_manager.py"] = _methods("HookInfo", body)
    files["app/_shared/discovery.py"] = "import app.providers_manager\n" + shared
    f = the_finding(make_project(files), "app/_shared/discovery.py", Severity.WARNING)
    assert "suggested canonical: app.providers_manager, imported by 2 modules" in f.message
    # Nor with an import that runs late, inside a function, or only for type checkers: it
    # is often there to break a cycle the other way (tendenci's memberships and chapters).
    for deferred in ("def load():\n    from app._shared.discovery import discover\n",
                     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from app._shared.discovery import discover\n"):
        files["app/_shared/discovery.py"] = shared
        files["app/providers_manager.py"] = deferred + _methods("HookInfo", body)
        f = the_finding(make_project(files), "app/_shared/discovery.py", Severity.WARNING)
        assert "suggested canonical: app.providers_manager, imported by 2 modules" in f.message


def test_imports_lead_to_the_upstream_copy_through_a_chain_of_copies(make_project) -> None:
    # Three copies: the most imported one imports from a second, which imports from a
    # third. Each step up would close a cycle; the copy at the end is the home.
    body = ["hook_class_name", "package_name", "connection_type", "connection_testable"]
    files = {"app/__init__.py": "",
             "app/base.py": "def helper(): ...\n" + _methods("HookInfo", body),
             "app/middle.py": "from app.base import helper\nclass Middle: ...\n"
             + _methods("HookInfo", body),
             "app/top.py": "from app.middle import Middle\n" + _methods("HookInfo", body),
             "app/cli.py": "from app.top import HookInfo\n",
             "app/web.py": "from app.top import HookInfo\n"}
    found = {f.path: f.message for f in class_findings(make_project(files))}
    assert sorted(found) == ["app/middle.py", "app/top.py"]
    assert all("(suggested canonical: app.base, app.middle imports from it: the upstream "
               "copy)" in m for m in found.values())


def test_a_drifted_copy_is_told_to_follow_the_copy_its_module_imports_from(make_project
                                                                           ) -> None:
    # pretix: the stripe plugin's `models.py` imports from the core's, keeps a copy of a
    # class that drifted, and is imported more. The core is the home; the plugin's copy is
    # the drifted one, not the other way round.
    core = _methods("ReferencedObject", ["reference", "order", "payment", "created"])
    plugin = "from pkg.core.models import Event\n" + _methods(
        "ReferencedObject", ["reference", "order", "payment", "charge", "source", "intent"])
    files = {**FILLER, "pkg/core/models.py": "class Event: ...\n" + core,
             "pkg/stripe/models.py": plugin,
             "pkg/stripe/views.py": "from pkg.stripe.models import ReferencedObject\n",
             "pkg/stripe/tasks.py": "from pkg.stripe.models import ReferencedObject\n"}
    f = the_finding(make_project(files), "pkg/stripe/models.py", Severity.WARNING)
    assert f.message.startswith(
        "class `ReferencedObject` is defined in 2 modules (suggested canonical: "
        "pkg.core.models, pkg.stripe.models imports from it: the upstream copy); this copy "
        "has drifted: this copy shares 3 of 7 members (43%) with pkg.core.models")


def test_a_copy_with_the_same_fields_typed_otherwise_says_so(make_project) -> None:
    # The same member names hide a field whose type changed in one copy.
    def record(timeout: str) -> str:
        return ("from dataclasses import dataclass\nfrom typing import Optional\n"
                "@dataclass\nclass RetryPolicy:\n    attempts: int\n"
                f"    timeout: {timeout}\n    backoff: 'Optional[float]'\n"
                "    jitter: bool\n")
    files = {"app/__init__.py": "", "app/policy.py": record("float"),
             "app/client.py": "import app.policy\n" + record("str"),
             "app/use.py": "from app.policy import RetryPolicy\n"}
    [f] = class_findings(make_project(files))
    assert f.path == "app/client.py"
    assert f.message.endswith("this copy has the same 4 members as the one in app.policy; "
                              "it types `timeout` as `str`, `float` in app.policy")
    files["app/client.py"] = "import app.policy\n" + record("float").replace(
        "'Optional[float]'", "float | None")
    [f] = class_findings(make_project(files))
    assert f.message.endswith("this copy has the same 4 members as the one in app.policy")


def test_a_tests_own_double_beside_a_librarys_test_double_is_info(make_project) -> None:
    # pyramid: `tests/test_security.py` keeps a `DummySecurityPolicy` that returns one
    # canned result, beside `pyramid.testing`'s, which is configured by keywords. Both are
    # doubles; the test's is no copy of production behaviour.
    library = ("class DummySecurityPolicy:\n"
               "    def __init__(self, userid=None, permissive=True):\n"
               "        self.userid = userid\n        self.permissive = permissive\n"
               "    def identity(self, request):\n        return self.userid\n"
               "    def permits(self, request, context, permission):\n"
               "        return self.permissive\n"
               "    def remember(self, request, userid, **kw):\n"
               "        self.remembered = userid\n        return []\n")
    own = ("from app import testing\n"
           "class DummySecurityPolicy:\n"
           "    def __init__(self, result):\n        self.result = result\n"
           "    def identity(self, request):\n        return self.result\n"
           "    def permits(self, request, context, permission):\n"
           "        return self.result\n"
           "    def remember(self, request, userid, **kw):\n"
           "        return [('X-Test', userid)]\n")
    files = {"app/__init__.py": "", "app/testing.py": library,
             "app/views.py": "from app.testing import DummySecurityPolicy\n",
             "tests/test_security.py": own}
    f = the_finding(make_project(files), "tests/test_security.py", Severity.INFO)
    assert f.message.endswith("one name and interface implemented twice, not one class copied")
    # The library's double copied into the test is still a copy to import instead.
    files["tests/test_security.py"] = "from app import testing\n" + library
    the_finding(make_project(files), "tests/test_security.py", Severity.WARNING)
