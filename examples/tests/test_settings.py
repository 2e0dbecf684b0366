from platform_core.config.settings import load_settings
from test_framework.ssot.base import SSotBaseTestCase


class TestSettings(SSotBaseTestCase):
    def test_database_url_comes_from_the_isolated_environment(self) -> None:
        self.assertEqual(load_settings().database_url, "sqlite://")
