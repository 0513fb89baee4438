"""Problems found in runtime.lifecycle while building the review pages (not fixed here).

The review route offers only non-final states as mapping targets and drops others, so the web
is not affected; `loket publish` and other callers of lifecycle.publish are.
"""

from __future__ import annotations

from runtime import lifecycle
from runtime.models import ServiceVersion
from tests.runtime.review.conftest import Loket, v2_definition


def test_publish_does_not_leave_a_case_in_a_final_state_without_an_outcome(loket: Loket) -> None:
    service_id, v1 = loket.publish_v1()
    case_id = loket.file_case(v1, "diperiksa")
    v2 = loket.submit_draft(service_id, v2_definition())
    with loket.session() as session:
        version = session.get(ServiceVersion, v2)
        assert version is not None
        try:
            lifecycle.publish(
                session,
                user=loket.staff["reviewer"],
                version=version,
                data_dir=None,
                state_mapping={"diperiksa": "selesai"},  # a final state of v2
            )
        except lifecycle.LifecycleError:
            return  # refusing such a mapping is fine
        session.commit()
    case = loket.case(case_id)
    assert case.state != "selesai" or case.final_outcome == "approved"
