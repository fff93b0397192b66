"""Default rubric anchors per kind, the Curators group, and pg_trgm on PostgreSQL."""

from django.contrib.auth.management import create_permissions
from django.db import DatabaseError, migrations, transaction

ANCHORS = {
    "conceptual": (
        "Cannot explain the concept or explains it wrongly; confuses it with a different idea; "
        "no mechanism behind the words.",
        "A recognisable definition, but vague or with a notable error; cannot say why it "
        "matters or where it breaks down.",
        "Correct explanation of the mechanism with the key points; names the main trade-off or "
        "limitation; handles follow-ups with minor gaps.",
        "Precise and complete, with the math or mechanism where it matters; ties it to practice "
        "(when to use it, failure modes, alternatives); handles follow-ups in depth.",
    ),
    "coding": (
        "No working approach: cannot turn the idea into code, or the code is fundamentally "
        "wrong.",
        "A partial or buggy solution; misses important edge cases; cannot state the complexity; "
        "needs heavy hints.",
        "A working, readable solution with the main edge cases handled; states time and space "
        "complexity; checks it on an example.",
        "Clean, correct and efficient, reached independently; handles edge cases and numerical "
        "stability; discusses complexity, alternatives and how to test it.",
    ),
    "system_design": (
        "Jumps to components without understanding the problem; no coherent architecture; "
        "ignores scale, latency or failure.",
        "A plausible architecture but shallow: few clarifying questions, trade-offs unstated, "
        "bottlenecks or evaluation missing.",
        "Clarifies requirements; a coherent end-to-end design with its data flow; addresses "
        "scale and evaluation; names the main trade-offs.",
        "Drives the discussion: quantifies requirements, compares alternatives with clear "
        "trade-offs, covers monitoring, failure modes and cost, adapts when constraints change.",
    ),
    "behavioral": (
        "No concrete example (or a hypothetical one); own role unclear; no result; or the "
        "example shows a concerning behaviour.",
        "A real example with gaps: vague situation or task, actions told as 'we' with no clear "
        "personal part, result unmeasured, little reflection.",
        "Complete STAR: clear situation and task, specific actions the candidate took, a "
        "concrete result, and what they learned.",
        "Specific, compelling STAR with a measurable result, clear ownership and judgement under "
        "constraints, and reflection that shows growth that transfers to this role.",
    ),
    "scenario": (
        "Misreads the scenario or answers generically; misses the main risks; no structure.",
        "Addresses part of the scenario with a reasonable idea but misses key constraints, "
        "stakeholders or risks; little prioritisation.",
        "A structured approach: clarifies goal and constraints, concrete steps, considers risks "
        "and how to measure success.",
        "Thorough and pragmatic: a prioritised plan with alternatives and trade-offs, "
        "anticipates failure modes, defines metrics and safeguards, adapts to new facts.",
    ),
}

CURATOR_MODELS = ["level", "topic", "question", "kindrubric"]


def forwards(apps, schema_editor):
    KindRubric = apps.get_model("questionbank", "KindRubric")
    for kind, (poor, mixed, good, excellent) in ANCHORS.items():
        KindRubric.objects.update_or_create(
            kind=kind, defaults={"poor": poor, "mixed": mixed, "good": good, "excellent": excellent}
        )
    # Permissions are normally created after migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="questionbank", content_type__model__in=CURATOR_MODELS
        )
    )
    if schema_editor.connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            pass  # Without the right to create it, duplicate checks use the portable fallback.


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()
    apps.get_model("questionbank", "KindRubric").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questionbank", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
