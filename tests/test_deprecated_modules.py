"""A module that warns, when imported, that it is deprecated holds stubs only (issue 14:
scrapy's `spidermiddlewares/offsite.py` keeps `OffsiteMiddleware` for old imports)."""

from __future__ import annotations

import pytest

from ssotcheck.model import Severity
from tests.test_classes import _methods, the_finding
from tests.test_parser_parity import assert_parity

WARNS = [
    # scrapy: an implicitly concatenated message and the project's own category
    'import warnings\nfrom scrapy.exceptions import ScrapyDeprecationWarning\n'
    'warnings.warn(\n    "The old.offsite module is deprecated, use "\n    "new.offsite '
    'instead.",\n    ScrapyDeprecationWarning,\n)\n',
    # `from warnings import warn`, the category alone says it
    'from warnings import warn\nwarn("use pkg.new", PendingDeprecationWarning, stacklevel=2)\n',
    'import warnings\nwarnings.warn("Deprecated: import pkg.new instead")\n',
    # diffusers: the project's own helper, called on the module
    'from pkg.utils import deprecate\ndeprecate(\n    "pkg.utils.testing_utils", "1.0.0",\n'
    '    "pkg.utils.testing_utils is deprecated and will be removed.",\n)\n',
]
QUIET = [
    # a condition, not the module's own status
    'import warnings\ntry:\n    import fast\nexcept ImportError:\n'
    '    warnings.warn("fast is deprecated")\n',
    # another warning
    'import warnings\nwarnings.warn("slow path in use", RuntimeWarning)\n',
    # inside a function: warns when called
    'import warnings\ndef f():\n    warnings.warn("f is deprecated", DeprecationWarning)\n',
    # the category as a keyword is not read (libcst hands keyword values on opaque)
    'import warnings\nwarnings.warn("moved", category=DeprecationWarning)\n',
    # a helper that deprecates one argument of something else
    'from pkg.utils import deprecate_arg\ndeprecate_arg("connect", "timeout")\n',
]
CLASS = "class OffsiteMiddleware:\n    def process(self): ...\n"


@pytest.mark.parametrize("head", WARNS)
def test_classes_of_a_module_that_warns_it_is_deprecated_are_stubs(head: str) -> None:
    facts = assert_parity(head + CLASS)
    assert [c.deprecated for c in facts.classes] == [True]


@pytest.mark.parametrize("head", QUIET)
def test_other_warnings_leave_the_classes_alone(head: str) -> None:
    facts = assert_parity(head + CLASS)
    assert [c.deprecated for c in facts.classes] == [False]


def test_a_copy_in_a_deprecated_module_is_reported_as_a_stub(make_project) -> None:
    body = ["from_crawler", "spider_opened", "process_spider_output", "_filter", "get_host"]
    files = {
        "crawl/__init__.py": "", "crawl/spidermw/__init__.py": "",
        "crawl/downloadermw/__init__.py": "",
        "crawl/downloadermw/offsite.py": _methods("OffsiteMiddleware", body),
        "crawl/spidermw/offsite.py": _methods("OffsiteMiddleware", body[:4] + ["url_is_from"]),
        "crawl/settings.py": "from crawl.downloadermw.offsite import OffsiteMiddleware\n",
    }
    root = make_project(files)
    the_finding(root, "crawl/spidermw/offsite.py", Severity.WARNING)
    (root / "crawl/spidermw/offsite.py").write_text(
        WARNS[2] + _methods("OffsiteMiddleware", body[:4] + ["url_is_from"]))
    f = the_finding(root, "crawl/spidermw/offsite.py", Severity.INFO)
    assert "this copy is marked deprecated: a stub of `OffsiteMiddleware`" in f.message
    assert f.confidence_reasons == ("marked deprecated",)
