import pytest

import audit
from audit.models import AuditLog


@pytest.mark.django_db
def test_record_keeps_actor_target_ip_and_data(rf, homeowner):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="203.0.113.9")
    entry = audit.record(homeowner, "thing.done", homeowner, request, amount_cents=500, skipped=None)
    assert entry.actor == homeowner
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(homeowner.pk))
    assert entry.ip_address == "203.0.113.9"
    assert entry.data == {"amount_cents": 500}


@pytest.mark.django_db
def test_log_is_append_only(homeowner):
    entry = audit.record(homeowner, "thing.done")
    entry.action = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.update(action="x")
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "thing.done"


@pytest.mark.django_db
def test_admin_is_read_only(client, staff_user, homeowner):
    entry = audit.record(homeowner, "thing.done", homeowner)
    client.force_login(staff_user)
    assert client.get(f"/admin/audit/auditlog/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditlog/add/").status_code == 403
    assert client.post(f"/admin/audit/auditlog/{entry.pk}/delete/").status_code == 403
