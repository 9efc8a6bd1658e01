from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PAYMENTS_SIMULATED": settings.PAYMENT_GATEWAY == "simulated",
        "PLATFORM_FEE_PERCENT": settings.PLATFORM_FEE_BPS / 100,
    }
