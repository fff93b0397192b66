"""Interviews older than loops keep working: the migration gives each candidate with interviews
an open loop, with a stage per interview assigned to its interviewer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("interviews", "0004_size_limits_and_erasure"),
    ("questionbank", "0007_anchors_at_most_500"),
]
AFTER = [("interviews", "0006_loops_for_existing_interviews")]


# No serialized_rollback: restoring the serialized data collides with the content types that
# an earlier transactional test's flush recreated (tests/accounts); like those, this test runs
# after the others (pytest-django orders transactional tests last) and leaves the schema as
# it found it.
@pytest.mark.django_db(transaction=True)
def test_existing_interviews_get_a_loop_and_a_stage_each():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    Level = old.get_model("questionbank", "Level")
    Candidate = old.get_model("interviews", "Candidate")
    Interview = old.get_model("interviews", "Interview")
    ines = User.objects.create(username="ines-old")
    omar = User.objects.create(username="omar-old")
    level = Level.objects.create(name="Old level", slug="old-level", rank=77)
    cam = Candidate.objects.create(name="Old Cam", level=level)
    Candidate.objects.create(name="Nobody Yet", level=level)
    first = Interview.objects.create(
        candidate=cam, interviewer=ines, level=level, title="First", planned_minutes=30
    )
    second = Interview.objects.create(
        candidate=cam, interviewer=omar, level=level, title="Second", planned_minutes=60
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Loop = new.get_model("interviews", "Loop")
    (loop,) = Loop.objects.filter(candidate__name="Old Cam")
    assert loop.status == "open" and loop.hiring_manager_id is None
    stages = list(
        loop.stages.order_by("position").values_list(
            "name", "interviewer_id", "interview_id", "planned_minutes"
        )
    )
    assert stages == [("First", ines.pk, first.pk, 30), ("Second", omar.pk, second.pk, 60)]
    assert not Loop.objects.filter(candidate__name="Nobody Yet").exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as found
