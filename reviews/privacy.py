"""The reviews app's personal data (core.privacy): reviews written and reviews received (only
once published: double-blind holds here too). Reports made are the moderation app's."""

from core.privacy import Blocker, rows

from .models import Review


def export(user) -> dict:
    received = []
    for review in (Review.objects.filter(subject=user, status__in=Review.PUBLIC).select_related("contract__job")
                   .order_by("created_at")):
        hidden = review.status == Review.Status.HIDDEN
        received.append({
            "job": review.contract.job.title, "rating": review.rating,
            "body": "" if hidden else review.body, "removed_by_staff": review.hidden_reason if hidden else "",
            "published_at": review.published_at, "your_reply": review.reply_body, "replied_at": review.replied_at,
        })
    return {
        "reviews_written": rows(Review.objects.filter(author=user).order_by("created_at"),
                                "contract__job__title", "rating", "body", "status", "created_at", "published_at",
                                "reply_body", "hidden_reason"),
        "reviews_received": received,
    }


def erasure_blockers(user) -> list[Blocker]:
    # An open review window does not keep an account open: the other party can still review
    # the (pseudonymised) account, and the person simply gives up their own review.
    return []


def erase(user) -> None:
    """Nothing is removed: a review is about the other party, whose rating rests on it; it
    stays under the pseudonym ("Former member"). Reviews about the person stay with the
    contract they describe."""
