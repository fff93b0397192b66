"""Limit/offset pages in a stable order (id), with the total count."""

from ninja import Query, Schema
from pydantic import Field

MAX_LIMIT = 200


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page (1..{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip")


def page(queryset, params: PageParams, convert) -> dict:
    """The page of ``queryset`` (ordered by id) that ``params`` ask for, each item through
    ``convert``: two queries (count, page) plus the queryset's prefetches."""
    count = queryset.count()
    rows = list(queryset.order_by("id")[params.offset : params.offset + params.limit])
    end = params.offset + len(rows)
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": end if end < count else None,
        "items": [convert(row) for row in rows],
    }


__all__ = ["PageParams", "Query", "page"]
