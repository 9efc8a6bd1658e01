"""Full-text search of jobs: a weighted tsvector column on PostgreSQL, icontains elsewhere."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet, Value

CONFIG = "english"


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vector(queryset: QuerySet) -> None:
    """Recompute the stored vector for these jobs (title weighs more than the description)."""
    if not uses_postgres():
        return
    queryset.update(
        search_vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("description", weight="B", config=CONFIG)
    )


def apply_search(queryset: QuerySet, text: str) -> QuerySet:
    """Filter by `text`; on PostgreSQL also annotate `rank` for relevance ordering."""
    text = (text or "").strip()[:200]
    if not text:
        return queryset
    if uses_postgres():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(condition).annotate(rank=Value(0.0))
