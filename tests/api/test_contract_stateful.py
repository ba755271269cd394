"""Schemathesis, stateful: sequences of calls chained by the links schemathesis infers from the schema (a file
created, then read, submitted, completed; a visit created, then served, closed, reopened...), as a front-desk agent
and as a member. Each step must answer without a 5xx and within the schema (status codes, content types, bodies).

Bounded for `make test`: MUTUELLE_STATEFUL_EXAMPLES scenarios (8 by default) of at most 6 steps, deterministic."""

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from .test_contract import CHECKS, _headers, _schema, _steer, in_process  # noqa: F401

EXAMPLES = int(os.environ.get("MUTUELLE_STATEFUL_EXAMPLES", "8"))


def _run(user, cast) -> int:
    schema = _schema().exclude(path_regex="^/api/v1/auth/")  # revoking its own token would end the scenario
    _steer(schema, cast)
    headers = _headers(user)
    machine = schema.as_state_machine()
    steps = []

    class Scenario(machine):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps.append(f"{case.method} {case.path}")
            assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(Scenario, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=6, deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck)))
    return len(steps)


@pytest.mark.django_db
def test_stateful_scenarios_keep_the_contract_for_a_front_desk_agent(in_process):  # noqa: F811
    assert _run(in_process.x.agent, in_process) > EXAMPLES


@pytest.mark.django_db
def test_stateful_scenarios_keep_the_contract_for_a_member(in_process):  # noqa: F811
    assert _run(in_process.x.member.user, in_process) > EXAMPLES
