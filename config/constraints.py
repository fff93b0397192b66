"""A model's check constraints validated in one query, not one each.

Django validates each ``CheckConstraint`` of a model form with a query of its own, wrapped in a
savepoint inside a transaction (the admin's): three statements a constraint, 21 for a question
with seven checks. ``OneQueryChecks`` asks them all in one ``SELECT`` (one boolean column per
constraint, evaluated by the database as Django would) and raises the same errors; other
constraints (unique ones) are validated as Django does.
"""

from contextlib import nullcontext

from django.core.exceptions import NON_FIELD_ERRORS, FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def failed_checks(instance, checks, *, exclude=None, using: str) -> list[CheckConstraint]:
    """The ``checks`` that ``instance``'s values break, asked in one query (a check on an
    excluded field is skipped, as Django skips it)."""
    against = instance._get_field_expression_map(meta=instance._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(
            value if hasattr(value, "resolve_expression") else Value(value), name, select=False
        )
    asked = []
    for n, check in enumerate(checks):
        condition = ExpressionWrapper(Q(check.condition), output_field=BooleanField())
        try:
            # NULL passes, as in the database (and in Django's own check).
            query.add_annotation(Coalesce(condition, Value(True)), f"check_{n}")
        except FieldError:  # it refers to an excluded field
            continue
        asked.append(check)
    if not asked:
        return []
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        return []  # as Django's own check: the database will say it at the write
    return [check for check, ok in zip(asked, row, strict=True) if not ok]


class OneQueryChecks:
    """A model mixin: ``validate_constraints`` with all check constraints in one query."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict = {}
        checks, others = [], []
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint) and model_class is self.__class__:
                    checks.append(constraint)
                else:
                    others.append((model_class, constraint))
        for check in failed_checks(self, checks, exclude=exclude, using=using):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    check.get_violation_error_message(), code=check.violation_error_code
                )
            )
        for model_class, constraint in others:
            try:
                constraint.validate(model_class, self, exclude=exclude, using=using)
            except ValidationError as e:
                if getattr(e, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(e)
                else:
                    errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
