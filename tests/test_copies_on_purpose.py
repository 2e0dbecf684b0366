"""Copies a project keeps on purpose, found in the seventh held-out set (issue 14): a copy it
declares with a `# Copied from X` marker (transformers), a class built on its namesake,
which its module imports under another name (mlflow, dbt, great_expectations), vendored
code under `extern/` (astropy), a package of deprecated code (transformers'
`models/deprecated/`) and standalone scripts (one-off conversion tools nobody imports)."""

from __future__ import annotations

import pytest

from ssotcheck.model import Severity
from ssotcheck.checks._concepts import INDEPENDENT
from tests.test_classes import _methods, class_findings, the_finding
from tests.test_enums import enum_findings
from tests.test_parser_parity import assert_parity

TOKENIZER = ["tokenize", "_run_strip_accents", "_run_split_on_punc", "_tokenize_chinese_chars",
             "_is_chinese_char", "_clean_text"]


def test_a_copied_from_marker_is_read_above_the_class_and_its_decorators() -> None:
    facts = assert_parity(
        "# Copied from a.b.C\n@dataclass\n@other(x=1)\nclass C:\n    x: int = 1\n\n"
        "# Copied from a.b.D with Foo->Bar\nclass D:\n    pass\n\n"
        "# Copied from a.b.E\ndef f():\n    pass\nclass E:\n    pass\n\n"
        "class Outer:\n    # Copied from a.b.F.\n    class F:\n        pass\n"
        "# copied from a.b.G (lower case is prose, not the marker)\nclass G:\n    pass\n")
    assert [(c.qualname, c.copied_from) for c in facts.classes] == [
        ("C", "a.b.C"), ("D", "a.b.D"), ("E", ""), ("Outer", ""), ("Outer.F", "a.b.F"),
        ("G", "")]


def _models(marker: str) -> dict[str, str]:
    files = {"tf/__init__.py": "", "tf/models/__init__.py": ""}
    for model in ("bert", "electra"):
        files[f"tf/models/{model}/__init__.py"] = ""
    files["tf/models/bert/tokenization_bert.py"] = _methods("BasicTokenizer", TOKENIZER)
    files["tf/models/electra/tokenization_electra.py"] = _methods(
        "BasicTokenizer", TOKENIZER, marker)
    files["tf/use.py"] = "from tf.models.bert.tokenization_bert import BasicTokenizer\n"
    return files


def test_a_declared_copy_is_shown_not_counted(make_project) -> None:
    # Without the marker the copy is counted ...
    root = make_project(_models(""))
    the_finding(root, "tf/models/electra/tokenization_electra.py", Severity.WARNING)
    # ... with it, the project says the copy is on purpose and a tool keeps it in sync.
    (root / "tf/models/electra/tokenization_electra.py").write_text(_methods(
        "BasicTokenizer", TOKENIZER,
        "# Copied from tf.models.bert.tokenization_bert.BasicTokenizer\n"))
    f = the_finding(root, "tf/models/electra/tokenization_electra.py", Severity.INFO)
    assert f.message == (
        "class `BasicTokenizer` is defined in 2 modules (suggested canonical: "
        "tf.models.bert.tokenization_bert, imported by 1 module, the most of any copy); this "
        "copy has the same 6 members as the one in tf.models.bert.tokenization_bert; shown, "
        "not counted: "
        "tf.models.electra.tokenization_electra declares its copy (`# Copied from "
        "tf.models.bert.tokenization_bert.BasicTokenizer`): a copy kept on purpose and in "
        "sync with its source by the project's copy check")
    assert f.confidence_reasons == ("same name", "6 of 6 members shared", "declared copy")


def test_a_marker_naming_another_class_declares_nothing(make_project) -> None:
    root = make_project(_models("# Copied from tf.models.bert.modeling_bert.BertLayer\n"))
    the_finding(root, "tf/models/electra/tokenization_electra.py", Severity.WARNING)


ENUM = "import enum\n\n{marker}class ClassificationFunction(enum.Enum):\n" \
       "    SIGMOID = 'sigmoid'\n    SOFTMAX = 'softmax'\n    NONE = 'none'\n"


def test_a_declared_enum_copy_is_shown_not_counted_even_on_the_original(make_project) -> None:
    # The copy is the more imported one, so the finding is on the original: still the
    # pair the project declared.
    files = {"tf/__init__.py": "", "tf/pipelines/__init__.py": "",
             "tf/pipelines/text_classification.py": ENUM.format(marker=""),
             "tf/pipelines/image_classification.py": ENUM.format(
                 marker="# Copied from tf.pipelines.text_classification.ClassificationFunction\n"),
             "tf/pipelines/use.py": "from tf.pipelines.image_classification import "
                                    "ClassificationFunction\n"}
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("tf/pipelines/text_classification.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: tf.pipelines.image_classification declares its copy (`# Copied "
        "from tf.pipelines.text_classification.ClassificationFunction`): a copy kept on "
        "purpose and in sync with its source by the project's copy check")


DATASET = ["name", "digest", "source", "profile", "schema", "to_json", "to_dict"]


@pytest.mark.parametrize("imported", [
    "from ml.entities import Dataset as DatasetEntity",  # through the package's re-export
    "from ml.entities.dataset import Dataset as DatasetEntity",
])
def test_a_class_whose_module_imports_its_namesake_under_an_alias_wraps_it(
        make_project, imported: str) -> None:
    files = {
        "ml/__init__.py": "", "ml/data/__init__.py": "",
        "ml/entities/__init__.py": "from ml.entities.dataset import Dataset\n",
        "ml/entities/dataset.py": _methods("Dataset", DATASET[:5] + ["to_proto", "from_proto"]),
        "ml/data/dataset.py": _methods("Dataset", DATASET, f"{imported}\n"),
        "ml/use.py": "from ml.data.dataset import Dataset\n",
    }
    f = the_finding(make_project(files), "ml/data/dataset.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: ml.data.dataset imports `Dataset` as `DatasetEntity` and defines "
        "its own: it builds on its namesake (a wrapper, a converter), not a copy of it")
    assert f.confidence_reasons[-1] == "wraps its namesake"


def test_the_same_class_imported_under_its_own_name_is_still_a_copy(make_project) -> None:
    files = {
        "ml/__init__.py": "", "ml/data/__init__.py": "", "ml/entities/__init__.py": "",
        "ml/entities/dataset.py": _methods("Dataset", DATASET),
        "ml/data/dataset.py": _methods("Dataset", DATASET,
                                       "from ml.entities.dataset import Dataset\n"),
        "ml/use.py": "from ml.entities.dataset import Dataset\n",
    }
    # A module importing the name it then redefines binds it twice: the fallback
    # pattern, left alone as before; an alias of another class of the same name is no
    # wrapper either.
    assert class_findings(make_project(files)) == []
    files["ml/data/dataset.py"] = _methods(
        "Dataset", DATASET, "from ml.entities.other import Dataset as Other\n")
    files["ml/entities/other.py"] = ""
    the_finding(make_project(files), "ml/data/dataset.py", Severity.WARNING)


@pytest.mark.parametrize("vendored", ["extern", "tpl"])
def test_code_under_extern_is_vendored(make_project, vendored: str) -> None:
    # astropy's `extern/ply/`, pyomo's `tpl/ply/` ("Third-party libraries"), each with
    # PLY's own `PlyLogger` in both `lex.py` and `yacc.py`.
    logger = ["__init__", "debug", "info", "warning", "error", "critical"]
    files = {"astro/__init__.py": "", f"astro/{vendored}/__init__.py": "",
             f"astro/{vendored}/ply/__init__.py": "",
             f"astro/{vendored}/ply/lex.py": _methods("PlyLogger", logger),
             f"astro/{vendored}/ply/yacc.py": _methods("PlyLogger", logger)}
    assert class_findings(make_project(files)) == []
    files = {k.replace(f"/{vendored}/", "/parsing/"): v for k, v in files.items()}
    assert len(class_findings(make_project(files))) == 1


def test_a_copy_in_a_package_of_deprecated_code_is_a_stub(make_project) -> None:
    files = _models("")
    files["tf/models/deprecated/__init__.py"] = ""
    files["tf/models/deprecated/realm/__init__.py"] = ""
    files["tf/models/deprecated/realm/tokenization_realm.py"] = _methods(
        "BasicTokenizer", TOKENIZER)
    del files["tf/models/electra/tokenization_electra.py"]
    f = the_finding(make_project(files), "tf/models/deprecated/realm/tokenization_realm.py",
                    Severity.INFO)
    assert "this copy is marked deprecated: a stub of `BasicTokenizer`" in f.message


MAIN = "\n\nif __name__ == '__main__':\n    main()\n"
TRACKER = ["__call__", "_forward_hook", "parametrized", "name2module", "traced", "handles"]


def test_copies_among_standalone_scripts_are_left_alone(make_project) -> None:
    # One-off conversion scripts, each runnable and imported by nobody, copy their helpers.
    files = {"tf/__init__.py": "", "tf/models/__init__.py": ""}
    for model in ("regnet", "resnet"):
        files[f"tf/models/{model}/__init__.py"] = ""
        files[f"tf/models/{model}/convert_{model}.py"] = _methods("Tracker", TRACKER) + MAIN
    root = make_project(files)
    assert class_findings(root) == []
    # Imported by another module, a runnable module is a library module again.
    (root / "tf/models/__init__.py").write_text("from tf.models.regnet import convert_regnet\n")
    the_finding(root, "tf/models/resnet/convert_resnet.py", Severity.WARNING)


# ---------------------------------------------------------------- eighth pass (issue 14)

SQL_RUN = ["run_uuid", "name", "source_type", "status", "start_time", "end_time",
           "lifecycle_stage", "artifact_uri"]


def test_a_module_named_as_an_earlier_state_of_its_namesake_keeps_its_classes(
        make_project) -> None:
    # mlflow's `dbmodels/initial_models.py` (the schema the database is created from before
    # the migrations run) beside `dbmodels/models.py`; salt's `yamlloader_old.py`.
    files = {"db/__init__.py": "", "db/models.py": _methods("SqlRun", SQL_RUN),
             "db/store.py": "from db.models import SqlRun\n",
             "db/initial_models.py": _methods("SqlRun", SQL_RUN[:-1])}
    root = make_project(files)
    f = the_finding(root, "db/initial_models.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: db.initial_models and db.models are versions of one module "
        "(`initial_models` and `models`): each API version keeps its own classes")
    assert f.confidence_reasons[-1] == "versions of one module"
    # A package named like that is no snapshot of a module: the copy is counted.
    files = {"db/__init__.py": "", "db/models.py": _methods("SqlRun", SQL_RUN),
             "db/store.py": "from db.models import SqlRun\n",
             "db/old/__init__.py": "", "db/old/models.py": _methods("SqlRun", SQL_RUN[:-1]),
             "db/old/use.py": "import db.models\n", "db/old/z.py": "import db.old.models\n"}
    (root / "db/initial_models.py").unlink()
    the_finding(make_project(files), "db/old/models.py", Severity.WARNING)


def test_a_tensorflow_file_beside_the_pytorch_file_is_a_framework_variant(make_project) -> None:
    # transformers' `modeling_tf_tapas.py` beside `modeling_tapas.py`, each self-contained.
    enum = ("import enum\n\nclass AverageApproximationFunction(str, enum.Enum):\n"
            "    RATIO = 'ratio'\n    FIRST_ORDER = 'first_order'\n")
    files = {"m/__init__.py": "", "m/tapas/__init__.py": "",
             "m/tapas/modeling_tapas.py": enum, "m/tapas/modeling_tf_tapas.py": enum,
             "m/use.py": "from m.tapas.modeling_tapas import AverageApproximationFunction\n"}
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("m/tapas/modeling_tf_tapas.py", Severity.INFO)
    assert "(`modeling_tf_tapas` and `modeling_tapas`)" in f.message
    assert f.confidence_reasons[-1] == "platform or concurrency variants"


STRATEGY = ["setup_environment", "setup_module", "module_to_device", "barrier", "broadcast",
            "reduce", "all_gather"]


def _layers(trainer: list[str], imports: bool) -> dict[str, str]:
    """Fabric's and the Trainer's strategy packages: `lib/fabric/strategies/*` mirrored by
    `lib/pytorch/strategies/*`, the Trainer's modules importing helpers from Fabric's."""
    files = {"lib/__init__.py": ""}
    for side in ("fabric", "pytorch"):
        files[f"lib/{side}/__init__.py"] = ""
        files[f"lib/{side}/strategies/__init__.py"] = ""
        for m in ("fsdp", "deepspeed", "xla"):
            files[f"lib/{side}/strategies/{m}.py"] = ""
    files["lib/fabric/strategies/ddp.py"] = _methods("DDPStrategy", STRATEGY) + \
        "\ndef _sync_ddp(x): ...\n"
    files["lib/pytorch/strategies/ddp.py"] = (
        "from lib.fabric.strategies.ddp import _sync_ddp\n" if imports else "") + _methods(
        "DDPStrategy", trainer)
    files["lib/use.py"] = "from lib.fabric.strategies.ddp import DDPStrategy\n"
    return files


def test_mirrored_layers_keep_their_own_classes_even_when_one_imports_the_other(
        make_project) -> None:
    trainer = STRATEGY[:5] + ["on_train_start", "teardown"]
    f = the_finding(make_project(_layers(trainer, imports=True)),
                    "lib/pytorch/strategies/ddp.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: lib.pytorch.strategies.ddp and lib.fabric.strategies.ddp sit in "
        "parallel packages lib.pytorch and lib.fabric, which mirror each other and keep "
        "their own copies (a client and a server, a versioned API, a legacy package); the two "
        "share helpers, and each keeps its own class of the name with its own members")
    assert f.confidence_reasons[-1] == "parallel packages"
    # An identical copy in a module that imports its counterpart is counted: it could be
    # imported from there.
    the_finding(make_project(_layers(STRATEGY, imports=True)),
                "lib/pytorch/strategies/ddp.py", Severity.WARNING)


def test_a_backend_importing_a_sibling_backend_keeps_its_own_class(make_project) -> None:
    # matplotlib's `backends/backend_pgf.py` imports helpers from `backend_pdf.py` and keeps
    # its own `PdfPages`.
    pdf = ["savefig", "close", "get_pagecount", "attach_note", "infodict", "keep_empty"]
    pgf = pdf[:4] + ["_write_header", "_run_latex"]
    files = {"plot/__init__.py": "", "plot/backends/__init__.py": "",
             "plot/backends/backend_pdf.py": _methods("PdfPages", pdf) + "\ndef _info(): ...\n",
             "plot/backends/backend_pgf.py": "from plot.backends.backend_pdf import _info\n"
             + _methods("PdfPages", pgf),
             "plot/use.py": "from plot.backends.backend_pdf import PdfPages\n"}
    f = the_finding(make_project(files), "plot/backends/backend_pgf.py", Severity.INFO)
    assert "interchangeable backends under plot.backends" in f.message
    assert f.confidence_reasons[-1] == "interchangeable backends"


def test_a_copy_needs_a_relation_between_its_modules_to_be_counted(make_project) -> None:
    # salt's `states/cyg.py` and `utils/dictdiffer.py`, transformers' per-model tokenizers:
    # the same members in modules that neither import each other nor share a package or a
    # rare path word are each module's own.
    filler = {f"app/{d}/m{i:02d}.py": "" for d in ("states", "utils") for i in range(14)}
    body = ["added", "removed", "changed", "unchanged"]
    files = {**filler, "app/states/cyg.py": _methods("DictDiffer", body),
             "app/utils/differ.py": _methods("DictDiffer", body),
             "app/use.py": "from app.utils.differ import DictDiffer\n"}
    root = make_project(files)
    f = the_finding(root, "app/states/cyg.py", Severity.INFO)
    assert f.message.endswith(INDEPENDENT)
    assert f.confidence_reasons == ("same name", "4 of 4 members shared", "independent modules")
    # In one package, however big, the same members are one class copied.
    (root / "app/states/cyg.py").rename(root / "app/utils/cyg.py")
    f = the_finding(root, "app/utils/cyg.py", Severity.WARNING)
    assert f.confidence_reasons == ("same name", "4 of 4 members shared",
                                    "both are in package app.utils")


def test_a_class_each_module_of_a_package_defines_is_its_convention(make_project) -> None:
    # cinder's `api/v3/views/*.py`: each module has the `ViewBuilder` its controller asks
    # for by module (`views.groups.ViewBuilder()`).
    body = ["_normalize", "detail", "summary", "list"]
    files = {"api/__init__.py": "", "api/views/__init__.py": ""}
    for m in ("attachments", "clusters", "workers", "messages"):
        files[f"api/views/{m}.py"] = _methods("ViewBuilder", body)
    # Four modules of the package are no convention yet: copies.
    assert {f.severity for f in class_findings(make_project(files))} == {Severity.WARNING}
    files["api/views/volumes.py"] = _methods("ViewBuilder", body)
    assert class_findings(make_project(files)) == []


def test_an_accelerated_module_and_its_pure_python_twin_are_variants(make_project) -> None:
    # aiohttp's `_websocket/reader_c.py` (compiled with Cython) and `reader_py.py`.
    body = ["feed_eof", "feed_data", "_feed_data", "parse_frame"]
    files = {"web/__init__.py": "", "web/ws/__init__.py": "",
             "web/ws/reader_c.py": _methods("WebSocketReader", body),
             "web/ws/reader_py.py": _methods("WebSocketReader", body),
             "web/ws/reader.py": "from web.ws.reader_py import WebSocketReader\n"}
    f = the_finding(make_project(files), "web/ws/reader_c.py", Severity.INFO)
    assert "(`reader_c` and `reader_py`)" in f.message
    # A package named `c` is a language's, not a variant (sphinx's `domains/c/`).


@pytest.mark.parametrize("left, right, severity", [
    ("amd", "nvidia", Severity.INFO),
    ("cuda", "xpu", Severity.INFO),
    # Two packages no platform names: the same copy is counted (the path word `dflash2`).
    ("fast", "slow", Severity.WARNING),
])
def test_one_model_per_hardware_vendor_is_a_platform_variant(
        make_project, left: str, right: str, severity: Severity) -> None:
    # vllm's `models/beam/amd/dflash2.py` beside `models/beam/nvidia/dflash2.py`.
    body = ["forward", "load_weights", "_store_context_kv", "compute_logits"]
    files = {"v/__init__.py": "", "v/beam/__init__.py": "",
             f"v/beam/{left}/__init__.py": "", f"v/beam/{right}/__init__.py": "",
             f"v/beam/{left}/dflash2.py": _methods("DFlash2BeamModel", body),
             f"v/beam/{right}/dflash2.py": _methods("DFlash2BeamModel", body)}
    f = the_finding(make_project(files), f"v/beam/{right}/dflash2.py", severity)
    if severity is Severity.INFO:
        assert f.confidence_reasons[-1] == "platform or concurrency variants"
        assert f"(v.beam.{right} and v.beam.{left} each hold one variant)" in f.message


def test_a_fake_mirrors_the_class_it_stands_in_for(make_project) -> None:
    # buildbot's `test/fake/httpclientservice.py` imports the real module and mirrors its
    # `HTTPClientService`.
    real = ["get", "post", "put", "delete", "_do_request", "checkAvailable"]
    files = {"bb/__init__.py": "", "bb/util/__init__.py": "",
             "bb/util/httpclientservice.py": _methods("HTTPClientService", real),
             "bb/use.py": "from bb.util.httpclientservice import HTTPClientService\n",
             "bb/testing/__init__.py": "", "bb/testing/fake/__init__.py": "",
             "bb/testing/fake/httpclientservice.py": "from bb.util import httpclientservice\n"
             + _methods("HTTPClientService", real[:4] + ["expect", "assertNoOutstanding"])}
    f = the_finding(make_project(files), "bb/testing/fake/httpclientservice.py", Severity.INFO)
    assert f.message.endswith(
        "shown, not counted: bb.testing.fake.httpclientservice is in a package of test "
        "doubles: it mirrors bb.util.httpclientservice's class on purpose, so that tests can "
        "swap it in")
    assert f.confidence_reasons[-1] == "test double"


def test_an_enum_of_a_fake_is_the_doubles_own(make_project) -> None:
    states = "import enum\n\nclass States(enum.Enum):\n    STOPPED = 0\n    STARTED = 1\n"
    files = {"bb/__init__.py": "", "bb/machine/__init__.py": "", "bb/machine/latent.py": states,
             "bb/use.py": "from bb.machine.latent import States\n",
             "bb/testing/__init__.py": "", "bb/testing/fake/__init__.py": "",
             "bb/testing/fake/latent.py": states}
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("bb/testing/fake/latent.py", Severity.INFO)
    assert f.confidence_reasons[-1] == "test double"
    # A library's public `testing/` package is one too: falcon's `testing/helpers.py`
    # simulates a websocket with its own `_WebSocketState`.
    root = make_project({})
    (root / "bb/testing/fake/latent.py").rename(root / "bb/testing/latent.py")
    [f] = enum_findings(root)
    assert (f.path, f.severity) == ("bb/testing/latent.py", Severity.INFO)
    # So is an emulator of a backend (opik's `message_processing/emulation/`).
    (root / "bb/emulation").mkdir()
    (root / "bb/testing/latent.py").rename(root / "bb/emulation/latent.py")
    [f] = enum_findings(root)
    assert (f.path, f.severity) == ("bb/emulation/latent.py", Severity.INFO)
    (root / "bb/emulation/latent.py").rename(root / "bb/helpers.py")
    [f] = enum_findings(root)
    assert f.severity is Severity.ERROR


def _resources(extra: dict[str, str]) -> dict[str, str]:
    """heat's resource plugins: `eng/resources/<family>/<service>/<type>.py`, each class on
    the first-party `Resource`."""
    files = {"eng/__init__.py": "", "eng/resource.py": "class Resource:\n    def handle(self): ...\n",
             "eng/resources/__init__.py": ""}
    for fam, svc in (("aws", "ec2"), ("openstack", "neutron"), ("openstack", "ironic")):
        files[f"eng/resources/{fam}/__init__.py"] = ""
        files[f"eng/resources/{fam}/{svc}/__init__.py"] = ""
    files.update(extra)
    return files


def test_siblings_of_one_base_tied_only_by_a_path_word_are_implementations(
        make_project) -> None:
    neutron = ["PROPERTIES", "ATTRIBUTES", "properties_schema", "handle_create", "handle_delete",
               "_show_resource", "validate"]
    ironic = neutron[:3] + ["handle_update", "check_create_complete", "_port_address"]
    header = "from eng.resource import Resource\n"
    files = _resources({
        "eng/resources/openstack/neutron/port.py": header + _methods(
            "Port", neutron).replace("class Port:", "class Port(Resource):"),
        "eng/resources/openstack/ironic/port.py": header + _methods(
            "Port", ironic).replace("class Port:", "class Port(Resource):"),
        "eng/use.py": "from eng.resources.openstack.neutron.port import Port\n"})
    root = make_project(files)
    f = the_finding(root, "eng/resources/openstack/ironic/port.py", Severity.INFO)
    # (In a project this small every word of a path is rare.)
    assert f.message.endswith(
        "shown, not counted: both grow from eng.resource.Resource, and only a path word ties "
        "their modules (both module paths name `eng`): two implementations of one "
        "interface, not one class copied")
    assert f.confidence_reasons[-1] == "siblings of one base"
    # Without the shared base the path word ties them as before.
    for path in ("eng/resources/openstack/neutron/port.py", "eng/resources/openstack/ironic/port.py"):
        (root / path).write_text((root / path).read_text().replace("(Resource)", ""))
    the_finding(root, "eng/resources/openstack/ironic/port.py", Severity.WARNING)


def test_the_rest_of_a_group_whose_anchor_drifted_away_is_grouped_again(make_project) -> None:
    # cinder: `api/views/backups.py`'s `ViewBuilder` anchored a group with
    # `api/v3/views/groups.py`'s and `group_snapshots.py`'s, then went to the canonical
    # copy's concept as a drifted copy; the two left had only been compared with it, and
    # were reported as one concept. B and C are each like A, not like each other.
    m = ["m1", "m2", "m3", "m4", "m5", "m6"]
    a = ["m1", "m2", "m3", "a1", "a2", "a3"]
    b = ["a1", "a2", "a3", "m1", "b1"]
    c = ["a1", "a2", "a3", "m2", "c1"]
    files = {"pkg/__init__.py": "", "pkg/zz.py": _methods("RequestRouter", m),
             "pkg/use.py": "from pkg.zz import RequestRouter\n",
             "pkg/aa.py": _methods("RequestRouter", a), "pkg/bb.py": _methods("RequestRouter", b),
             "pkg/cc.py": _methods("RequestRouter", c)}
    found = [(f.path, f.severity) for f in class_findings(make_project(files))]
    assert found == [("pkg/aa.py", Severity.WARNING)]


TASKS = ["resize_instance", "live_migrate_instance", "unshelve_instance", "rebuild_instance"]


@pytest.mark.parametrize("imported, used", [
    ("from nv.conductor import rpcapi", "rpcapi.ComputeTaskAPI"),
    ("import nv.conductor.rpcapi", "nv.conductor.rpcapi.ComputeTaskAPI"),
    ("import nv.conductor.rpcapi as task_rpc", "task_rpc.ComputeTaskAPI"),
    ("from . import rpcapi", "rpcapi.ComputeTaskAPI"),
])
def test_a_class_that_calls_its_namesake_through_the_module_is_its_facade(
        make_project, imported: str, used: str) -> None:
    # nova's `conductor/api.py` `ComputeTaskAPI` builds `rpcapi.ComputeTaskAPI()` and
    # forwards each task to it: the local API in front of the RPC client, not a copy.
    files = {
        "nv/__init__.py": "", "nv/conductor/__init__.py": "",
        "nv/conductor/rpcapi.py": _methods("ComputeTaskAPI", TASKS + ["prepare"]),
        "nv/conductor/api.py": f"{imported}\n\n\nclass ComputeTaskAPI:\n"
                               f"    def __init__(self):\n        self.rpc = {used}()\n"
                               + "".join(f"    def {m}(self): ...\n" for m in TASKS),
        "nv/use.py": "from nv.conductor.api import ComputeTaskAPI\n",
    }
    findings = class_findings(make_project(files))
    # The facade's module imports the RPC client's: that one is upstream, the canonical
    # home, and the facade is shown as what it is.
    assert [(f.location.path, f.severity) for f in findings] == [
        ("nv/conductor/api.py", Severity.INFO)]
    assert findings[0].message.endswith(
        f"shown, not counted: nv.conductor.api uses `{used[:-15]}."
        "ComputeTaskAPI` from nv.conductor.rpcapi and defines its own: it builds on its "
        "namesake (a facade, a proxy), not a copy of it")
    assert findings[0].confidence_reasons[-1] == "wraps its namesake"


def test_importing_the_namesakes_module_without_using_the_class_is_still_a_copy(
        make_project) -> None:
    files = {
        "nv/__init__.py": "", "nv/conductor/__init__.py": "",
        "nv/conductor/rpcapi.py": _methods("ComputeTaskAPI", TASKS + ["prepare"]),
        # imports the module (for something else), mentions the name only unqualified
        "nv/conductor/api.py": "from nv.conductor import rpcapi\n\nVERSION = rpcapi.VERSION\n"
                               "# ComputeTaskAPI: see self.ComputeTaskAPIs\n"
                               + _methods("ComputeTaskAPI", TASKS),
        "nv/use.py": "from nv.conductor.api import ComputeTaskAPI\n",
    }
    findings = class_findings(make_project(files))
    assert [f.severity for f in findings] == [Severity.WARNING]


def test_namesake_owners_are_read_from_the_text_by_both_extractors() -> None:
    facts = assert_parity(
        "import a.b as m\nclass C:\n    def f(self):\n        return m.C(), a.b.C, x.Cs, "
        "self.C, f().C, x.y().C, (1).C, m . C, '.C'\nclass D:\n    class C:\n        pass\n")
    assert [(c.qualname, c.namesake_owners) for c in facts.classes] == [
        ("C", ("a.b", "m", "self")), ("D", ()), ("D.C", ())]
