"""Releasing escrow to the contractor: a Release row, a Transfer, two ledger postings.

release_create runs inside the approval's transaction (row written with the state change);
release_execute runs in a Celery task keyed by the row. The Stripe call happens outside
any database transaction, with the idempotency key of the row, so every path that repeats
it -- Celery retries, the sweeper, a staff retry, a worker killed after Stripe answered --
gets Stripe's stored answer instead of a second transfer.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

import audit
from core.exceptions import InvalidState, ValidationFailed
from core.fsm import check_transition

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayRejected, GatewayUnavailable, get_gateway
from ..models import Chargeback, MilestoneEscrow, Payment, PayoutAccount, Release
from ..notify import send
from .common import enqueue, lock_escrow, lock_milestone

logger = logging.getLogger(__name__)


def _task():
    from ..tasks import release_execute_task

    return release_execute_task


def _payouts_ready(contractor_id) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(user_id=contractor_id, payouts_enabled=True).first()


def release_create(*, milestone, amount_cents: int, reason: str, actor=None, request=None) -> Release:
    """Reserve escrow for the contractor and queue the transfer. Caller holds the milestone lock."""
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationFailed("A release must be a positive amount.")
    payment = Payment.objects.filter(milestone=milestone, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        raise InvalidState("This milestone has no completed payment to release.")
    if Release.objects.filter(milestone=milestone).exists():
        raise InvalidState("This milestone's escrow has already been released.")
    contractor = milestone.contract.contractor
    # Chargeback rows are money rows: locked before the escrow row (core lock order).
    withheld, recoveries = _withhold_for_recoveries(contractor.pk, amount_cents)
    escrow = lock_escrow(milestone)
    if escrow.frozen:
        raise InvalidState(f"This milestone's escrow is frozen ({escrow.frozen_reason}); it can be released once "
                           "that is settled.")
    if amount_cents > escrow.available_cents:
        raise InvalidState("The escrow of this milestone does not cover that amount.")
    escrow.reserved_cents += amount_cents
    escrow.save(update_fields=["reserved_cents", "updated_at"])
    ready = _payouts_ready(contractor.pk)
    release = Release.objects.create(
        milestone=milestone, contractor=contractor, payment=payment, amount_cents=amount_cents,
        currency=escrow.currency, reason=reason, withheld_cents=withheld,
        status=Release.Status.PENDING if ready else Release.Status.WAITING,
        destination=ready.account_id if ready else "",
    )
    audit.record(actor, "release.created", release, request=request, amount_cents=amount_cents, reason=reason,
                 milestone=str(milestone.pk), waiting=not ready, withheld_cents=withheld, recoveries=recoveries)
    if ready:
        enqueue(_task(), str(release.pk))
    else:
        send("payout.onboarding_needed", [contractor],
             {"job_title": milestone.contract.job.title, "amount_cents": amount_cents, "url": reverse("payments:payouts")},
             release, key=f"onboarding-needed:{release.pk}")
    return release


def _withhold_for_recoveries(contractor_id, amount_cents: int) -> tuple[int, list[str]]:
    """Claim what staff decided to recover from this contractor (lost chargebacks the
    platform covered), oldest first, up to the release amount. Booked when the release
    succeeds (the payout posting credits platform:losses with it)."""
    withheld, claimed = 0, []
    open_recoveries = Chargeback.objects.select_for_update().filter(
        recovery_contractor_id=contractor_id, recovery_cents__gt=F("recovered_cents")).order_by("created_at")
    for chargeback in open_recoveries:
        take = min(chargeback.recovery_outstanding_cents, amount_cents - withheld)
        if take <= 0:
            break
        chargeback.recovered_cents += take
        chargeback.save(update_fields=["recovered_cents", "updated_at"])
        audit.record(None, "chargeback.recovery_claimed", chargeback, amount_cents=take)
        withheld += take
        claimed.append(chargeback.dispute_id)
    return withheld, claimed


def release_execute(release_id) -> Release:
    """Perform one release. Raises GatewayUnavailable for the task to retry (same key)."""
    with transaction.atomic():
        # of=("self",): this release row alone; its milestone and contract are only read (a
        # joined lock would take them out of core.locks order).
        release = (Release.objects.select_for_update(of=("self",)).select_related("payment", "milestone__contract")
                   .get(pk=release_id))
        if release.status != Release.Status.PENDING:
            return release
        escrow = MilestoneEscrow.objects.filter(milestone_id=release.milestone_id).first()
        if escrow is not None and escrow.frozen:
            release.status = Release.Status.HELD
            release.last_error = f"Held: {escrow.frozen_reason}"[:500]
            release.save(update_fields=["status", "last_error", "updated_at"])
            audit.record(None, "release.held", release, reason=escrow.frozen_reason)
            return release
        account = _payouts_ready(release.contractor_id)
        if account is None:
            release.status = Release.Status.WAITING
            release.save(update_fields=["status", "updated_at"])
            audit.record(None, "release.waiting", release, reason="payouts_not_enabled")
            return release
        release.destination = account.account_id
        release.attempts += 1
        release.save(update_fields=["destination", "attempts", "updated_at"])
    if not release.transfer_cents:  # all of it recovers a chargeback: nothing to send
        return release_mark_succeeded(release_id=release.pk, transfer_id="", source="task")
    gateway = get_gateway()
    payment = release.payment
    try:
        if not payment.charge_id:
            charge_id = gateway.payment_intent_charge(payment.payment_intent_id)
            Payment.objects.filter(pk=payment.pk).update(charge_id=charge_id, updated_at=timezone.now())
            payment.charge_id = charge_id
        result = gateway.transfer_create(
            idempotency_key=release.idempotency_key,
            amount_cents=release.transfer_cents,
            currency=release.currency,
            destination=release.destination,
            source_transaction=payment.charge_id,
            transfer_group=f"contract-{release.milestone.contract_id}",
            metadata={"release_id": str(release.pk), "milestone_id": str(release.milestone_id),
                      "contract_id": str(release.milestone.contract_id)},
        )
    except GatewayUnavailable as exc:
        Release.objects.filter(pk=release.pk).update(last_error=exc.message[:500], updated_at=timezone.now())
        raise
    except GatewayRejected as exc:
        return release_mark_failed(release_id=release.pk, message=exc.message, code=exc.code)
    return release_mark_succeeded(release_id=release.pk, transfer_id=result.transfer_id, source="task")


def release_mark_succeeded(*, release_id, transfer_id: str, source: str, amount_cents: int | None = None) -> Release:
    """The transfer exists at Stripe. Books it exactly once, whoever learns first."""
    with transaction.atomic():
        milestone_id = Release.objects.values_list("milestone_id", flat=True).get(pk=release_id)
        milestone = lock_milestone(milestone_id)
        release = (Release.objects.select_for_update(of=("self",)).select_related("milestone__contract__job")
                   .get(pk=release_id))
        if release.status in (Release.Status.SUCCEEDED, Release.Status.REVERSED):
            return release
        if amount_cents is not None and amount_cents != release.transfer_cents:
            alert_staff("release.amount_mismatch", release, "A transfer for this release has an unexpected amount.",
                        expected=release.transfer_cents, reported=amount_cents, transfer=transfer_id)
            return release
        check_transition(Release.TRANSITIONS, release.status, Release.Status.SUCCEEDED, label="release")
        release.status = Release.Status.SUCCEEDED
        release.transfer_id = transfer_id or None
        release.succeeded_at = timezone.now()
        release.last_error = ""
        release.save()
        payable = ledger.contractor_payable(release.contractor_id)
        cents, cur = release.amount_cents, release.currency
        _, booked = ledger.post(kind="release", key=f"release:{release.pk}:released", milestone=milestone,
                                entries=[(ledger.escrow_account(milestone.pk), cents, cur), (payable, -cents, cur)],
                                memo=f"Milestone {milestone.position} released")
        withheld = release.withheld_cents
        ledger.post(kind="payout", key=f"release:{release.pk}:transferred", milestone=milestone,
                    entries=ledger.nonzero([(payable, cents, cur), (ledger.STRIPE_BALANCE, withheld - cents, cur),
                                            (ledger.PLATFORM_LOSSES, -withheld, cur)]),
                    memo=f"Transfer {transfer_id}" + (f", {withheld} cents kept to recover a chargeback"
                                                      if withheld else ""),
                    reference=transfer_id)
        if booked:  # the ledger key is the one guard: the escrow row moves with it, once
            escrow = lock_escrow(milestone)
            escrow.held_cents -= cents
            escrow.reserved_cents -= cents
            escrow.released_cents += cents
            escrow.save()  # the CheckConstraints refuse a negative escrow even if a check above were wrong
        audit.record(None, "release.succeeded", release, transfer=transfer_id, amount_cents=cents, source=source)
        send("payout.sent", [release.contractor],
             {"job_title": milestone.contract.job.title, "milestone_title": milestone.title,
              "amount_cents": release.transfer_cents,
              "url": reverse("payments:payouts")}, release, key=f"payout-sent:{release.pk}")
    return release


def release_mark_failed(*, release_id, message: str, code: str = "") -> Release:
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        if release.status != Release.Status.PENDING:
            return release
        release.status = Release.Status.FAILED
        release.last_error = f"{code}: {message}"[:500] if code else message[:500]
        release.save(update_fields=["status", "last_error", "updated_at"])
        # The reservation stays: the money is still owed to the contractor, only the
        # transfer needs a human (staff retry from admin once the cause is fixed).
        alert_staff("release.failed", release, "A release was rejected by the payment provider.",
                    error=release.last_error, milestone=str(release.milestone_id))
    return release


def release_retry(*, actor, release: Release, request=None) -> Release:
    """Staff: send a failed release again once its cause is fixed (a new key: the old one
    holds Stripe's stored rejection, and nothing moved under it)."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.status != Release.Status.FAILED:
            raise InvalidState("Only a failed release can be retried.")
        check_transition(Release.TRANSITIONS, release.status, Release.Status.PENDING, label="release")
        release.status = Release.Status.PENDING
        release.key_generation += 1
        release.save(update_fields=["status", "key_generation", "updated_at"])
        audit.record(actor, "release.retried", release, request=request, key=release.idempotency_key)
        enqueue(_task(), str(release.pk))
    return release


def releases_resume_for(*, contractor_id) -> int:
    """Payouts just became enabled: queue every release that was waiting for it."""
    with transaction.atomic():
        waiting = list(Release.objects.select_for_update().filter(contractor_id=contractor_id,
                                                                  status=Release.Status.WAITING))
        for release in waiting:
            release.status = Release.Status.PENDING
            release.save(update_fields=["status", "updated_at"])
            audit.record(None, "release.resumed", release)
            enqueue(_task(), str(release.pk))
    return len(waiting)


def releases_resume_held(*, milestone_id) -> int:
    """The milestone's escrow was unfrozen: send the releases it held. Caller holds the
    milestone lock."""
    held = list(Release.objects.select_for_update().filter(milestone_id=milestone_id, status=Release.Status.HELD))
    for release in held:
        check_transition(Release.TRANSITIONS, release.status, Release.Status.PENDING, label="release")
        release.status = Release.Status.PENDING
        release.last_error = ""
        release.save(update_fields=["status", "last_error", "updated_at"])
        audit.record(None, "release.resumed", release, reason="escrow_unfrozen")
        enqueue(_task(), str(release.pk))
    return len(held)


def release_mark_reversed(*, release_id, amount_reversed: int, reversal_id: str) -> Release:
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        if release.status == Release.Status.REVERSED or amount_reversed <= 0:
            return release
        if release.status != Release.Status.SUCCEEDED:
            alert_staff("release.reversal_unexpected", release, "A transfer reversal arrived for an unsent release.",
                        reversal=reversal_id)
            return release
        release.status = Release.Status.REVERSED
        release.save(update_fields=["status", "updated_at"])
        # The money is back on our balance and owed to the contractor again until staff decide.
        ledger.post(
            kind="reversal", key=f"release:{release.pk}:reversed", milestone=release.milestone,
            entries=[(ledger.STRIPE_BALANCE, amount_reversed, release.currency),
                     (ledger.contractor_payable(release.contractor_id), -amount_reversed, release.currency)],
            memo=f"Transfer reversed ({reversal_id})", reference=reversal_id,
        )
        alert_staff("release.reversed", release, "A transfer to a contractor was reversed.",
                    amount=amount_reversed, reversal=reversal_id)
    return release
