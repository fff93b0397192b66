"""Interviews older than loops keep working: each candidate with interviews gets one open loop
(no hiring manager yet) with a stage per interview, assigned to its interviewer. So every
interview belongs to a stage, and who interviewed whom stays assigned (the independence rule
asks for an assignment in the candidate's loop)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Candidate = apps.get_model("interviews", "Candidate")
    Loop = apps.get_model("interviews", "Loop")
    LoopStage = apps.get_model("interviews", "LoopStage")
    Interview = apps.get_model("interviews", "Interview")
    for candidate in Candidate.objects.filter(interviews__isnull=False).distinct().iterator():
        loop = Loop.objects.create(
            candidate=candidate, status="open", created_at=candidate.created_at
        )
        interviews = Interview.objects.filter(candidate=candidate).order_by("created_at", "id")
        LoopStage.objects.bulk_create(
            LoopStage(
                loop=loop,
                name=interview.title[:200] or "Interview",
                position=position,
                interviewer_id=interview.interviewer_id,
                planned_minutes=min(max(interview.planned_minutes, 5), 480),
                interview=interview,
            )
            for position, interview in enumerate(interviews, 1)
        )


def backwards(apps, schema_editor):
    apps.get_model("interviews", "Loop").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0005_loops_and_scorecard_version")]

    operations = [migrations.RunPython(forwards, backwards)]
