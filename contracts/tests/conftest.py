from payments.tests.conftest import deliver, fake_stripe, simulated  # noqa: F401  (fixtures used here)
