"""The one lock order of the whole platform. Every other lock comment points here.

A service that holds more than one row lock (``select_for_update``, or an ``UPDATE`` of a
row, which locks it just the same) takes them in this order, top to bottom, skipping the
levels it does not need. Two services that follow it can wait for each other but never
deadlock; a service that takes them the other way round deadlocks on PostgreSQL (SQLite
serialises whole transactions and hides it, so the thread tests run on PostgreSQL).

    0. account                accounts.User, only where acting depends on the account not
                              being suspended (bid_place, bid_revise) and in the suspension
                              itself, which then withdraws the open bids below it
    1. job                    jobs.Job
    2. bid                    bids.Bid (written only under its job's lock)
    3. contract               contracts.Contract
    4. milestone              contracts.Milestone, then its Submission rows
    5. dispute                disputes.Dispute, then its Offer rows
    6. money rows             payments.Payment, Release, Refund (and fee refunds), then
                              MilestoneEscrow, then ledger rows (insert-only)
    7. leaves                 PayoutAccount, ContractorProfile counters, Review,
                              notifications: nothing is locked after these

The order goes from the widest object to the narrowest, because that is how the code
reaches them: an award starts from the job, a cancellation from the job or the contract,
and finishing the last milestone must complete the contract and its job. So a service
that starts from a milestone (approve, fund, a dispute outcome, a Stripe webhook) first
reads the ids above it without a lock, then locks job, contract and milestone in that
order: ``contracts.services.lock_milestone`` does exactly that and is the only way the
milestone lifecycle, disputes and payments (through ``payments.hooks``) lock a
milestone. Re-locking a row the transaction already holds is free.

Rows outside the chain:

- A Stripe ``WebhookEvent`` row is locked first of all by ``webhook_apply`` and is never
  locked by anything holding another row, so it may precede the chain.
- A ``Release``/``Refund`` locked on its own (the execute step before a provider call)
  is locked alone, in its own short transaction, never while waiting for a row above it.
- Periodic sweepers take one object per transaction (``skip_locked`` where two workers may
  run), so they follow the order one chain at a time.
"""
