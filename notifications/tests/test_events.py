"""Every event renders in every channel with realistic context, and reaches only its audience."""

import re

import pytest
from django.core import mail

from notifications import events, notify
from notifications.models import Notification, NotificationDelivery
from notifications.rendering import render_event
from notifications.sms import gsm7_length

from .samples import MONEY, SAMPLES, TITLE

NOTIFY_EVENTS = [e for e in events.EVENTS.values() if not e.sent_by_allauth]


def test_every_catalogue_event_has_a_sample():
    assert set(SAMPLES) == {e.key for e in NOTIFY_EVENTS}


def _recipient(ev, homeowner, contractor):
    return contractor if ev.audience == events.CONTRACTOR else homeowner


@pytest.mark.django_db
@pytest.mark.parametrize("ev", NOTIFY_EVENTS, ids=lambda e: e.key)
def test_event_renders_in_every_channel(ev, homeowner, contractor):
    person = _recipient(ev, homeowner, contractor)
    out = render_event(ev, person, SAMPLES[ev.key])
    for part in (out.title, out.body, out.subject, out.text, out.html, out.sms):
        words = re.sub(r"https?://\S+", "", part)  # signed tokens in links may spell anything
        assert "{{" not in words and "{%" not in words and "None" not in words
    assert out.title and out.body and out.subject
    # Names and titles appear; the text part is plain text (no tags, no HTML escaping).
    assert TITLE in out.text or "Demolition and framing" in out.text or "job_title" not in ev.fields
    assert not re.search(r"<[a-z/][^>]*>", out.text)
    assert "&amp;" not in out.text
    if TITLE in out.text:
        assert "deck boards &amp; railing" in out.html  # escaped in HTML only
    # Links are absolute, from SITE_URL.
    url = "https://fairtrade.example" + SAMPLES[ev.key]["url"]
    assert url in out.text and f'href="{url}"' in out.html
    assert "https://fairtrade.example/notifications/preferences/" in out.text
    # Amounts formatted by core.money, in every part that carries them.
    for needle in MONEY.get(ev.key, []):
        assert needle in out.text and needle in out.html, needle
    # HTML renders in common clients: inline styles only, no external images or CSS.
    assert "<style" not in out.html and "<img" not in out.html and "<link" not in out.html
    assert 'style="' in out.html
    # Unsubscribe only for mail a person may turn off.
    has_unsubscribe = "/notifications/unsubscribe/" in out.text
    assert has_unsubscribe == (not ev.essential)
    assert ("/notifications/unsubscribe/" in out.html) == (not ev.essential)
    if ev.sms_template:
        assert out.sms.startswith("FairTradeWorker:")
        assert gsm7_length(out.sms) is not None and gsm7_length(out.sms) <= 160, out.sms
    else:
        assert out.sms == ""


LONG = "🛠️ “Complete” gut renovation of the upstairs primary bathroom and adjoining walk-in closet, " * 3


@pytest.mark.django_db
@pytest.mark.parametrize("ev", [e for e in NOTIFY_EVENTS if e.sms_template], ids=lambda e: e.key)
def test_sms_fits_one_gsm_text_even_with_the_longest_values(ev, homeowner, contractor):
    context = dict(SAMPLES[ev.key])
    for key in list(context):
        if key.endswith("_title") or key.endswith("_name") or key == "reason":
            context[key] = LONG[:200]
        if key.endswith("_cents"):
            context[key] = 100_000_000  # the platform maximum, $1,000,000.00
    out = render_event(ev, _recipient(ev, homeowner, contractor), context)
    assert gsm7_length(out.sms) is not None and gsm7_length(out.sms) <= 160, (len(out.sms), out.sms)


def test_phone_code_sms_fits():
    from notifications.rendering import render_sms

    text = render_sms("phone_code", {"code": "123456"})
    assert "123456" in text and gsm7_length(text) <= 160


@pytest.mark.django_db
def test_sms_only_to_verified_numbers_and_when_opted_in(homeowner, contractor, django_capture_on_commit_callbacks):
    contractor.phone_verified_at = None
    contractor.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    assert not NotificationDelivery.objects.filter(recipient=contractor, channel="sms").exists()
    # Default off for new bids, on for acceptance.
    with django_capture_on_commit_callbacks(execute=True):
        notify("bid.received", homeowner, SAMPLES["bid.received"])
    assert not NotificationDelivery.objects.filter(recipient=homeowner, channel="sms").exists()


@pytest.mark.django_db
def test_audience_is_enforced(homeowner, contractor):
    with pytest.raises(ValueError, match="for homeowners"):
        notify("bid.received", contractor, SAMPLES["bid.received"])
    with pytest.raises(ValueError, match="for contractors"):
        notify("bid.accepted", homeowner, SAMPLES["bid.accepted"])
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_unknown_and_missing_context_and_model_objects_are_refused(homeowner):
    with pytest.raises(ValueError, match="not allowed"):
        notify("bid.received", homeowner, SAMPLES["bid.received"] | {"contractor_name": "Rival LLC"})
    with pytest.raises(ValueError, match="missing"):
        notify("bid.received", homeowner, {"job_title": "x"})
    with pytest.raises(ValueError, match="plain value"):
        notify("bid.received", homeowner, {"job_title": homeowner, "bid_count": 1})
    with pytest.raises(ValueError, match="Unknown notification event"):
        notify("bid.nope", homeowner, {})
    with pytest.raises(ValueError, match="allauth"):
        notify("account.password_reset", homeowner, {})


# --- sealed bids ------------------------------------------------------------------------
@pytest.mark.django_db
def test_sealed_bids_no_competitor_amount_or_name_reaches_a_contractor(
    homeowner, contractor, other_contractor, django_capture_on_commit_callbacks
):
    """The winner's amount and name are known to the service that calls notify(); they must
    not reach the losing contractor in any channel."""
    winner_amount, winner_name = 1_111_100, other_contractor.contractor_profile.business_name
    # The only context a contractor's notification can carry is its own bid and the range.
    with pytest.raises(ValueError):
        notify("bid.not_selected", contractor, SAMPLES["bid.not_selected"] | {"winner_cents": winner_amount})
    with pytest.raises(ValueError):
        notify("bid.not_selected", contractor, SAMPLES["bid.not_selected"] | {"contractor_name": winner_name})
    # Before the award a contractor never learns how many competitors there are.
    with pytest.raises(ValueError):
        notify("bid.bidding_closed", contractor, {"job_title": "x", "bid_count": 4})
    with pytest.raises(ValueError):
        notify("bid.confirmation", contractor, {"job_title": "x", "amount_cents": 5, "bid_count": 4})

    with django_capture_on_commit_callbacks(execute=True):
        notify("bid.confirmation", other_contractor, {"job_title": TITLE, "amount_cents": winner_amount})
        notify("bid.accepted", other_contractor, SAMPLES["bid.accepted"] | {"amount_cents": winner_amount})
        notify("bid.confirmation", contractor, SAMPLES["bid.confirmation"])
        notify("bid.not_selected", contractor, SAMPLES["bid.not_selected"])
        notify("bid.received", homeowner, SAMPLES["bid.received"])
    everything_for_loser = " ".join(
        [n.title + n.body for n in Notification.objects.filter(recipient=contractor)]
        + [d.subject + d.body_text + d.body_html for d in NotificationDelivery.objects.filter(recipient=contractor)]
        + [m.subject + m.body + m.alternatives[0][0] for m in mail.outbox if m.to == [contractor.email]]
    )
    assert "$11,111.00" not in everything_for_loser
    assert winner_name not in everything_for_loser
    assert other_contractor.email not in everything_for_loser
    # The homeowner's "bid received" carries no amount and no bidder while bidding is open.
    homeowner_mail = [m for m in mail.outbox if m.to == [homeowner.email]][0]
    for part in (homeowner_mail.subject, homeowner_mail.body, homeowner_mail.alternatives[0][0]):
        assert "$" not in part and winner_name not in part and contractor.contractor_profile.business_name not in part


@pytest.mark.django_db
def test_each_notification_goes_only_to_the_recipients_given(homeowner, other_homeowner, contractor):
    notify("dispute.opened", [homeowner, contractor, homeowner], SAMPLES["dispute.opened"])
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {homeowner.pk, contractor.pk}
    assert Notification.objects.filter(recipient=homeowner).count() == 1
    assert not Notification.objects.filter(recipient=other_homeowner).exists()


@pytest.mark.django_db
def test_dedupe_key_makes_a_repeat_a_no_op(homeowner, django_capture_on_commit_callbacks):
    ctx = SAMPLES["milestone.auto_approve_reminder"]
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("milestone.auto_approve_reminder", homeowner, ctx, key="m1:3d")
        second = notify("milestone.auto_approve_reminder", homeowner, ctx, key="m1:3d")
    assert len(first) == 1 and second == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_rolled_back_event_sends_nothing(homeowner, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify("bid.received", homeowner, SAMPLES["bid.received"])
        raise RuntimeError("the caller's service failed")
    assert callbacks == [] and mail.outbox == [] and Notification.objects.count() == 0


def test_to_gsm_keeps_texts_single_segment():
    from notifications.sms import to_gsm

    assert to_gsm("Façade “pâté” — 5€ 🛠️") == 'Facade "paté" - 5€'
    assert gsm7_length(to_gsm("{" * 400)) <= 160
    assert to_gsm("x" * 200).endswith("...") and len(to_gsm("x" * 200)) == 160


@pytest.mark.django_db
def test_awarding_needs_a_verified_phone(homeowner):
    """Issue 6: bidding and awarding need a verified phone (the check lives in bids.services)."""
    from bids.services import can_bid
    from contracts.services import bid_accept
    from core.exceptions import PermissionDenied

    homeowner.phone_verified_at = None
    homeowner.save()
    with pytest.raises(PermissionDenied, match="Verify your phone"), mock_job_for(homeowner) as bid:
        bid_accept(actor=homeowner, bid=bid)
    assert can_bid(homeowner)[0] is False


def mock_job_for(homeowner):
    import contextlib

    from bids.models import Bid
    from jobs.models import Job
    from jobs.tests.factories import JobFactory

    @contextlib.contextmanager
    def make():
        job = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING)
        yield Bid(job=job, amount_cents=1)  # never saved: the phone check comes first

    return make()
