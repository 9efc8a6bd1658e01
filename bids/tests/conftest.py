import pytest

from bids.tests import scenario as sc


@pytest.fixture
def scenario(homeowner, other_homeowner, contractor, other_contractor, staff_user):
    return sc.build(homeowner, other_homeowner, contractor, other_contractor, staff_user)


@pytest.fixture
def as_role(client, api_as):
    """as_role(scenario, role) -> (web client, api client) logged in as that role."""
    from rest_framework.test import APIClient

    def make(scenario, role):
        user = scenario.user(role)
        if user is None:
            return client, APIClient()
        client.force_login(user)
        return client, api_as(user)

    return make
