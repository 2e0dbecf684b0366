"""The SSOT base test class every test class inherits from."""

import logging
import unittest

from shared.isolated_environment import use_environment


class SSotBaseTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.logger = logging.getLogger(type(self).__name__)
        self.test_user = "user-1"
        use_environment({"DATABASE_URL": "sqlite://"})

    def tearDown(self) -> None:
        use_environment(None)
