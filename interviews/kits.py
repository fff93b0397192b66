"""Writes to kits: small typed functions, each inside a transaction.

A kit is an owner's named, ordered set of bank questions (``Kit``, ``KitQuestion``). Who may
change a kit (its owner) is the view's query; what a change must respect is here: a name unique
per owner, each question once, positions 1..n. A refused change raises ``ValidationError`` with
a message for the user; nothing is written then. Changes of order lock the kit's row, so two
requests on one kit take turns.
"""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from questionbank.models import Question

from .models import Interview, Kit, KitQuestion

NAME_TAKEN = "You already have a kit with this name."


def _lock(kit: Kit) -> None:
    """Hold the kit's row until the transaction ends (concurrent changes serialize)."""
    Kit.objects.select_for_update().filter(pk=kit.pk).values_list("pk", flat=True).first()


def _question_ids(kit: Kit) -> list[int]:
    return list(kit.items.order_by("position").values_list("question_id", flat=True))


@transaction.atomic
def kit_save_from_interview(
    *, interview: Interview, owner: User, name: str, shared: bool = False, description: str = ""
) -> Kit:
    """A new kit with the interview's questions in order."""
    if not interview.items.exists():
        raise ValidationError("The interview has no questions to save as a kit.")
    if Kit.objects.filter(owner=owner, name=name.strip()).exists():
        raise ValidationError({"name": NAME_TAKEN})
    kit = Kit(
        name=name.strip(),
        owner=owner,
        level=interview.level,
        shared=shared,
        description=description,
    )
    kit.full_clean()
    kit.save()
    kit_set_questions(
        kit=kit,
        question_ids=list(
            interview.items.order_by("position").values_list("question_id", flat=True)
        ),
    )
    return kit


@transaction.atomic
def kit_set_questions(*, kit: Kit, question_ids: Iterable[int]) -> Kit:
    """The kit's questions in exactly this order (each once, every id a bank question)."""
    ids = [int(pk) for pk in question_ids]
    if len(ids) != len(set(ids)):
        raise ValidationError("A kit holds each question once.")
    found = set(Question.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [pk for pk in ids if pk not in found]:
        raise ValidationError(f"No question with id {missing[0]}.")
    _lock(kit)
    kit.items.all().delete()
    KitQuestion.objects.bulk_create(
        KitQuestion(kit=kit, question_id=pk, position=i) for i, pk in enumerate(ids, 1)
    )
    return kit


@transaction.atomic
def kit_update(*, kit: Kit, name: str, description: str, shared: bool) -> Kit:
    """The owner's edit of a kit's name, description and sharing."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name."})
    _lock(kit)
    if Kit.objects.filter(owner=kit.owner_id, name=name).exclude(pk=kit.pk).exists():
        raise ValidationError({"name": NAME_TAKEN})
    kit.name, kit.description, kit.shared = name, description, shared
    kit.save()
    return kit


@transaction.atomic
def kit_delete(*, kit: Kit) -> None:
    """Delete a kit and its questions' places in it; the bank and interviews stay."""
    _lock(kit)
    kit.delete()


def _reordered(kit: Kit, question_ids: list[int]) -> None:
    kit_set_questions(kit=kit, question_ids=question_ids)
    kit.save(update_fields=["updated_at"])


@transaction.atomic
def kit_remove_question(*, kit: Kit, question_id: int) -> None:
    """Take one question (its bank id) out of the kit; the others close up."""
    _lock(kit)
    question_ids = _question_ids(kit)
    if question_id not in question_ids:
        raise ValidationError("That question is not in this kit.", code="missing")
    question_ids.remove(question_id)
    _reordered(kit, question_ids)


@transaction.atomic
def kit_move_question(*, kit: Kit, question_id: int, offset: int) -> tuple[int, int]:
    """Move one question (its bank id) up (offset -1) or down (+1); at either end it stays.
    Returns its new position and the number of questions."""
    _lock(kit)
    question_ids = _question_ids(kit)
    if question_id not in question_ids:
        raise ValidationError("That question is not in this kit.", code="missing")
    i = question_ids.index(question_id)
    j = min(max(i + offset, 0), len(question_ids) - 1)
    question_ids.insert(j, question_ids.pop(i))
    _reordered(kit, question_ids)
    return j + 1, len(question_ids)
