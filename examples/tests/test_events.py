from test_framework.helpers.events import AgentStartedEvent, as_payload
from test_framework.ssot.base import SSotBaseTestCase


class TestEventHelpers(SSotBaseTestCase):
    def test_agent_started_payload(self) -> None:
        payload = as_payload(AgentStartedEvent(run_id="run-2"))
        self.assertEqual(payload["run_id"], "run-2")
