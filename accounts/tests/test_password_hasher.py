"""The production password hasher: Argon2id, as costly per guess as Django's, in one lane."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts.hashers import SingleLaneArgon2PasswordHasher


def test_one_lane_with_djangos_memory_and_time_costs():
    hasher = SingleLaneArgon2PasswordHasher()
    encoded = hasher.encode("correct horse battery", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    params = encoded.split("$")[3]
    default = Argon2PasswordHasher()
    assert params == f"m={default.memory_cost},t={default.time_cost},p=1"
    assert default.memory_cost >= 102400 and default.time_cost >= 2  # never weaker than Django's
    assert hasher.verify("correct horse battery", encoded) and not hasher.verify("wrong horse battery", encoded)


@pytest.mark.django_db
def test_a_password_hashed_with_eight_lanes_still_signs_in_and_is_rehashed(settings, django_user_model):
    settings.PASSWORD_HASHERS = ["accounts.hashers.SingleLaneArgon2PasswordHasher"]
    user = django_user_model.objects.create_user(email="lanes@example.com", password="x" * 12)
    old = Argon2PasswordHasher()
    user.password = old.encode("correct horse battery", old.salt())
    user.save(update_fields=["password"])
    assert ",p=8$" in user.password
    assert not user.check_password("wrong horse battery")
    assert user.check_password("correct horse battery")
    user.refresh_from_db()
    assert ",p=1$" in user.password and user.check_password("correct horse battery")
